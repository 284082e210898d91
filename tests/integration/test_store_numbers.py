"""The local store adds integers as MongoDB does: a sum of 32-bit integers past their range
is a 64-bit integer, never wrapped (counters of money in fen pass 2^31 in a county).

FerretDB 1.24 wrapped it (deploy/local/ferretdb/patches.py, 4); checked on the real server."""
from bson.int64 import Int64
from pymongo import MongoClient

from tests.support import unique_prefix

BIG = 2_000_000_000   # fits in an int32; twice it does not


def test_an_inc_past_the_int32_range_gives_an_int64(stack):
    client = MongoClient(stack["mongo"])
    collection = client[unique_prefix("numbers")]["counters"]
    collection.insert_one({"_id": 1, "up": BIG, "down": -BIG, "nested": {"up": BIG}})
    collection.update_one({"_id": 1}, {"$inc": {"up": BIG, "down": -BIG, "nested.up": BIG, "fresh": BIG}})
    collection.update_one({"_id": 1}, {"$inc": {"fresh": BIG}})
    doc = collection.find_one({"_id": 1}, {"_id": 0})
    assert doc == {"up": 2 * BIG, "down": -2 * BIG, "nested": {"up": 2 * BIG}, "fresh": 2 * BIG}
    assert all(isinstance(v, Int64) for v in (doc["up"], doc["down"], doc["nested"]["up"], doc["fresh"]))


def test_an_inc_within_the_int32_range_stays_an_int32(stack):
    client = MongoClient(stack["mongo"])
    collection = client[unique_prefix("numbers")]["counters"]
    collection.insert_one({"_id": 1, "n": 5})
    collection.update_one({"_id": 1}, {"$inc": {"n": 7}})
    doc = collection.find_one({"_id": 1})
    assert doc["n"] == 12 and not isinstance(doc["n"], Int64)
