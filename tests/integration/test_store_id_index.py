"""The local store finds a document by _id through the _id index, not by scanning the
collection (deploy/local/ferretdb/patches.py, patch 3): every guarded update the outbox,
the relay and the consumers make is a lookup by _id. MongoDB does this on its own."""
from pymongo import MongoClient

from tests.support import unique_prefix


def test_a_lookup_by_id_searches_the_id_index(stack):
    client = MongoClient(stack["mongo"])
    try:
        collection = client[unique_prefix("idindex")]["docs"]
        collection.insert_many([{"_id": f"k{i}", "n": i} for i in range(50)])
        plan = client[collection.database.name].command("explain", {"find": "docs", "filter": {"_id": "k7"}})
        steps = " ".join(plan["queryPlanner"]["Plan"])
        assert "SEARCH" in steps and "USING INDEX" in steps and "__id_" in steps, steps
        assert collection.find_one({"_id": "k7"})["n"] == 7
        assert collection.update_one({"_id": "k8", "n": 8}, {"$set": {"seen": True}}).modified_count == 1
        assert collection.find_one({"_id": "k8"})["seen"] is True
        assert collection.find_one({"_id": "missing"}) is None
    finally:
        client.close()
