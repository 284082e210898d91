"""The local store answers filters from SQLite's indexes (deploy/local/ferretdb/patches.py)
without changing any result, and uses those indexes.

The oracle is FerretDB itself: the same filter wrapped in ``$and`` is never pushed down to
SQLite, so FerretDB evaluates it document by document with MongoDB's rules."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from bson.int64 import Int64
from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError

from tests.support import unique_prefix

# Characters whose JSON text differs from the character (escapes), or sorts next to the
# closing quote, or are outside the BMP / ASCII: where a pushdown by JSON text goes wrong.
ALPHABET = ["a", "b", "A", " ", "!", '"', "\\", "<", ">", "&", "\t", "[", "\\u", "\u2028", "王", "建", "\U0001F600", "-", "0"]
words = st.lists(st.sampled_from(ALPHABET), max_size=4).map("".join)
values = st.one_of(words, st.lists(st.one_of(words, st.booleans()), max_size=3), st.integers(-2, 2), st.none(),
                   st.booleans(), st.sampled_from([1.0, 0.0, "1", "true"]))


@pytest.fixture(scope="module")
def collection(stack):
    client = MongoClient(stack["mongo"])
    coll = client[unique_prefix("pushdown")]["docs"]
    coll.create_index([("name", 1)])
    coll.create_index([("county_code", 1), ("name", 1)])
    yield coll
    client.close()


def _is_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
        return True
    except re.error:
        return False


def _same_as_without_pushdown(coll, flt):
    pushed = sorted(d["_id"] for d in coll.find(flt))
    plain = sorted(d["_id"] for d in coll.find({"$and": [flt]}))
    assert pushed == plain, flt


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(values, min_size=1, max_size=12), probe=words, other=words)
def test_pushed_down_filters_find_exactly_what_mongodb_rules_find(collection, docs, probe, other):
    collection.delete_many({})
    collection.insert_many([{"_id": f"d{i}", "name": v, "county_code": "621202" if i % 2 else "621222"}
                            for i, v in enumerate(docs)])
    for flt in ({"name": probe}, {"name": {"$in": [probe, other]}},
                {"name": {"$gte": probe}}, {"name": {"$gt": probe}},
                {"name": {"$lt": probe}}, {"name": {"$lte": probe}},
                {"name": {"$gte": probe, "$lt": probe + "\uffff"}},
                {"county_code": "621202", "name": {"$gte": probe, "$lt": other}},
                {"name": {"$regex": "^" + re.escape(probe)}}, {"name": {"$regex": "^" + re.escape(probe) + "?x*"}},
                {"name": {"$regex": "^" + probe.replace("\\", "")}} if _is_regex(probe.replace("\\", "")) else {},
                {"_id": "d0", "name": probe}, {"_id": {"$in": ["d0", "d3", "nope"]}},
                {"name": True}, {"name": False}, {"county_code": "621202", "name": True}):
        _same_as_without_pushdown(collection, flt)


def _plan(db, collection: str, flt: dict) -> str:
    """SQLite's query plan for a find, as FerretDB's explain reports it."""
    return " | ".join(db.command("explain", {"find": collection, "filter": flt})["queryPlanner"]["Plan"])


def test_lookups_by_id_and_by_indexed_fields_use_the_index(stack):
    """A lookup that reads the whole collection costs ~0.7 ms a document (20 minutes for a
    county's name search among 1.7 million files); through an index it reads a handful."""
    client = MongoClient(stack["mongo"])
    db = client[unique_prefix("pushdownplan")]
    db["households"].create_index([("county_code", 1), ("head_name", 1)])
    db["history"].create_index([("household_id", 1), ("occurred_at", -1)])
    db["households"].create_index("outbox_pending", sparse=True)
    db["households"].insert_many([{"_id": f"H{i:04d}", "county_code": f"62{i % 20:04d}", "head_name": f"名{i}"}
                                  for i in range(200)])
    db["history"].insert_one({"_id": "e1", "household_id": "H0001", "occurred_at": "2026-11-01"})
    for collection, flt in (("households", {"_id": "H0012"}),
                            ("households", {"_id": "H0012", "version": 3}),
                            ("households", {"_id": {"$in": ["H0001", "H0002"]}}),
                            ("households", {"county_code": "620007", "head_name": {"$gte": "名5", "$lt": "名5\uffff"}}),
                            ("history", {"household_id": "H0001"}),
                            ("households", {"outbox_pending": True})):
        plan = _plan(db, collection, flt)
        assert "USING INDEX" in plan and "SCAN" not in plan, (flt, plan)
        # The same filter out of the pushdown's reach reads every row: the check can fail.
        assert "SCAN" in _plan(db, collection, {"$and": [flt]})
    client.close()


# Numbers equal across types (5, Int64 5, 5.0), signed zeros, fractions, and the edge where
# a double stops holding every integer (2^53): an _id pushed down by its JSON text must
# still match every stored form MongoDB's rules call equal.
BIG = 2 ** 53
numbers = st.sampled_from([0, 1, 5, -5, 7, BIG - 1, BIG, BIG + 1])
id_values = st.one_of(
    numbers, numbers.map(Int64), numbers.map(float), st.sampled_from([-0.0, 5.5, 0.5, 1e21]),
    st.sampled_from(["5", "0", "a"]))
probes = st.one_of(id_values, st.just(float("inf")))  # the store refuses to keep an infinity


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(id_values, min_size=1, max_size=10), probe=probes, other=probes)
def test_numeric_ids_are_found_as_mongodb_rules_find_them(collection, ids, probe, other):
    collection.delete_many({})
    for i, value in enumerate(ids):
        try:
            collection.insert_one({"_id": value, "name": str(i)})
        except DuplicateKeyError:
            pass  # an _id equal to one already stored (5 and 5.0): MongoDB refuses it too
    for flt in ({"_id": probe}, {"_id": {"$in": [probe, other]}}, {"_id": probe, "name": "0"}):
        pushed = sorted(repr(d["_id"]) for d in collection.find(flt))
        plain = sorted(repr(d["_id"]) for d in collection.find({"$and": [flt]}))
        assert pushed == plain, flt


def test_lookups_by_integer_id_use_the_index(stack):
    client = MongoClient(stack["mongo"])
    db = client[unique_prefix("pushdownint")]
    db["entries"].insert_many([{"_id": i, "n": i} for i in range(1, 201)])
    for flt in ({"_id": 12}, {"_id": Int64(12)}, {"_id": 12.0}, {"_id": {"$in": [1, 2, 0]}}):
        plan = _plan(db, "entries", flt)
        assert "USING INDEX" in plan and "SCAN" not in plan, (flt, plan)
    assert "SCAN" in _plan(db, "entries", {"_id": 12.5})  # a fraction is not pushed: the check can fail
    assert db["entries"].find_one({"_id": 12.0})["n"] == 12
    client.close()


# Counts and sorted pages answered in SQL (patches.py, part 3). Names that look like JSON
# objects or arrays, arrays of names, objects, numbers, booleans, null and missing names;
# ids of every type MongoDB orders apart from strings, and strings that read like an
# ObjectID's text.
PAGE_ALPHABET = ["a", "b", "A", "[", "{", "王", "建", "\U0001F600", "\\", '"', " "]
page_words = st.lists(st.sampled_from(PAGE_ALPHABET), max_size=3).map("".join)
page_names = st.one_of(page_words, page_words, st.lists(page_words, max_size=2), st.integers(-1, 1), st.none(),
                       st.booleans(), st.dictionaries(st.just("a"), page_words, max_size=1), st.just(MISSING := object()))
id_kinds = st.sampled_from(["string", "string", "string", "int", "objectid", "hex", "object"])


def _id_of(kind: str, i: int):
    from bson import ObjectId
    return {"string": f"d{i:02d}", "int": i, "objectid": ObjectId(f"{i:024x}"), "hex": f"{i:024x}",
            "object": {"k": i}}[kind]


def _count(coll, flt) -> int:
    return coll.database.command("count", coll.name, query=flt)["n"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(page_names, id_kinds), min_size=1, max_size=14), probe=page_words, other=page_words,
       skip=st.integers(0, 3), limit=st.integers(1, 4))
def test_counts_and_sorted_pages_are_what_mongodb_rules_give(collection, rows, probe, other, skip, limit):
    collection.delete_many({})
    for i, (name, kind) in enumerate(rows):
        doc = {"_id": _id_of(kind, i), "county_code": "621202" if i % 3 else "621222"}
        if name is not MISSING:
            doc["name"] = name
        collection.insert_one(doc)
    for flt in ({}, {"name": probe}, {"name": {"$in": [probe, other]}}, {"county_code": "621202"},
                {"name": {"$regex": "^" + re.escape(probe)}} if probe else {"name": other},
                {"county_code": "621202", "name": {"$regex": "^" + re.escape(probe or "a")}},
                {"county_code": {"$in": ["621202", "621222"]}, "name": {"$regex": "^" + re.escape(other or "b")}},
                {"name": {"$gte": probe}}, {"name": True}, {"_id": "d01", "name": probe}):
        assert _count(collection, flt) == _count(collection, {"$and": [flt]}), flt
        for order in ([("name", 1), ("_id", 1)], [("county_code", 1), ("name", 1), ("_id", 1)], [("_id", 1)],
                      [("name", -1), ("_id", 1)]):
            pushed = [repr(d["_id"]) for d in collection.find(flt).sort(order).skip(skip).limit(limit)]
            plain = [repr(d["_id"]) for d in collection.find({"$and": [flt]}).sort(order).skip(skip).limit(limit)]
            assert pushed == plain, (flt, order, skip, limit)


def test_a_name_search_page_is_read_in_index_order(stack):
    """A county's surname search at size: the page is the first rows of the (county, name)
    index, read in its order and cut at the limit, not every match sorted in memory."""
    client = MongoClient(stack["mongo"])
    db = client[unique_prefix("pushdownpage")]
    db["households"].create_index([("county_code", 1), ("head_name", 1), ("_id", 1)])
    db["households"].insert_many([{"_id": f"H{i:04d}", "county_code": f"62{i % 4:04d}", "head_name": f"名{i % 50}"}
                                  for i in range(400)])
    flt = {"county_code": "620001", "head_name": {"$regex": "^名"}}
    # The registry's search order names the county too, which the filter fixes.
    for order in ({"head_name": 1, "_id": 1}, {"county_code": 1, "head_name": 1, "_id": 1}):
        explained = db.command("explain", {"find": "households", "filter": flt, "sort": order,
                                           "skip": Int64(10), "limit": Int64(20)})
        plan = " | ".join(explained["queryPlanner"]["Plan"])
        assert explained["sortPushdown"] and explained["limitPushdown"], explained
        assert "USING INDEX" in plan and "SCAN" not in plan and "B-TREE" not in plan, (order, plan)
    # The province's list (no filter) in county and name order: the index's own order.
    explained = db.command("explain", {"find": "households", "filter": {},
                                       "sort": {"county_code": 1, "head_name": 1, "_id": 1}, "limit": Int64(20)})
    plan = " | ".join(explained["queryPlanner"]["Plan"])
    assert explained["sortPushdown"] and "USING INDEX" in plan and "B-TREE" not in plan, plan
    # Descending, or filtered by a condition SQL cannot answer exactly: every match is read, as before.
    for unpushed, order in (({"county_code": "620001"}, {"head_name": -1}),
                            ({"county_code": {"$gte": "620001"}}, {"head_name": 1})):
        explained = db.command("explain", {"find": "households", "filter": unpushed, "sort": order,
                                           "limit": Int64(20)})
        assert not explained["sortPushdown"] and not explained["limitPushdown"], explained
    page = list(db["households"].find(flt).sort([("head_name", 1), ("_id", 1)]).skip(10).limit(20))
    expected = sorted((d for d in db["households"].find({"$and": [flt]})), key=lambda d: (d["head_name"], d["_id"]))
    assert page == expected[10:30]
    names_down = list(db["households"].find(flt).sort([("head_name", -1), ("_id", 1)]).skip(10).limit(20))
    by_id = sorted(expected, key=lambda d: d["_id"])
    assert names_down == sorted(by_id, key=lambda d: d["head_name"], reverse=True)[10:30]
    assert db.command("count", "households", query=flt)["n"] == len(expected) == 100
    client.close()


def test_names_that_read_like_json_keep_their_place_in_a_sorted_page(collection):
    """A name starting with '[' is a string, not an array: it is paged once, in its place."""
    strings = ["[x", "a", "[", "{z", "", "\\", "[x]", "b"]
    for names in (strings, strings + [["c", "[y"], {"a": "b"}]):
        collection.delete_many({})
        collection.insert_many([{"_id": f"d{i:02d}", "county_code": "621202", "name": n} for i, n in enumerate(names)])
        order = [("name", 1), ("_id", 1)]
        for flt in ({"county_code": "621202"}, {}, {"name": {"$regex": "^\\["}}):
            for skip in range(0, len(names)):
                for limit in (1, 2, 3, 5):
                    pushed = [d["_id"] for d in collection.find(flt).sort(order).skip(skip).limit(limit)]
                    plain = [d["_id"] for d in collection.find({"$and": [flt]}).sort(order).skip(skip).limit(limit)]
                    assert pushed == plain, (names, flt, skip, limit)
