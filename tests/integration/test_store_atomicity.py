"""The local store applies each single-document update atomically, as MongoDB does.

FerretDB 1.24 does not on its own (deploy/local/ferretdb/patches.py); the outbox,
the relay and the consumer depend on it, so this is checked against the real server."""
import threading

from pymongo import MongoClient, ReturnDocument

from tests.support import unique_prefix


def test_concurrent_updates_of_one_document_lose_nothing(stack):
    db_name = unique_prefix("atomic")
    client = MongoClient(stack["mongo"])
    collection = client[db_name]["counters"]
    collection.drop()
    collection.insert_one({"_id": 1, "a": 0, "b": 0, "log": []})

    def writer(field):
        own = MongoClient(stack["mongo"])[db_name]["counters"]
        for i in range(150):
            if i % 2:
                own.update_one({"_id": 1}, {"$inc": {field: 1}, "$push": {"log": f"{field}{i}"}})
            else:
                own.find_one_and_update({"_id": 1}, {"$inc": {field: 1}, "$push": {"log": f"{field}{i}"}},
                                        return_document=ReturnDocument.AFTER)

    threads = [threading.Thread(target=writer, args=(f,)) for f in ("a", "b", "a")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    doc = collection.find_one({"_id": 1})
    assert (doc["a"], doc["b"], len(doc["log"])) == (300, 150, 450)
