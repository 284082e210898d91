"""Large bulks of updates, from concurrent writers, neither wedge the local store nor lose an
increment.

FerretDB 1.24 kept each statement's query open until its whole ``update`` command ended, so a
bulk of more than ~100 updates of existing documents exhausted the SQLite pool while holding
the write lock, and the store stopped answering for good (deploy/local/ferretdb/patches.py,
part 5). Batched consumers send exactly such bulks. The writers run in threads with a
deadline, so a wedged store fails this test instead of hanging the run."""
import os
import threading
import time
from pathlib import Path

import pytest

from pymongo import InsertOne, MongoClient, UpdateOne

from tests.support import unique_prefix

DOCUMENTS = 2_000
WRITERS = 3
ROUNDS = 3
BULK = 1_000
DEADLINE_S = 120


def test_bulks_of_a_thousand_updates_from_concurrent_writers(stack):
    db_name = unique_prefix("bulk")
    url = stack["mongo"]
    seed = MongoClient(url)[db_name]
    seed["counters"].insert_many([{"_id": f"h{i}", "n": 0} for i in range(DOCUMENTS)])
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            db = MongoClient(url, socketTimeoutMS=DEADLINE_S * 1000)[db_name]
            for r in range(ROUNDS):
                # Every statement matches an existing document (the case that held a connection each),
                # plus upserts of new ones and an unordered insert of history-like entries.
                ops = [UpdateOne({"_id": f"h{(number * 7 + r * 13 + i) % DOCUMENTS}"}, {"$inc": {"n": 1}})
                       for i in range(BULK)]
                ops += [UpdateOne({"_id": f"new-{number}-{r}-{i}"}, {"$inc": {"n": 1}}, upsert=True) for i in range(50)]
                db["counters"].bulk_write(ops, ordered=False)
                db["history"].bulk_write([InsertOne({"_id": f"e{number}-{r}-{i}"}) for i in range(500)], ordered=False)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + DEADLINE_S
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"the store stopped answering within {DEADLINE_S} s"
    assert not errors, errors
    counters = seed["counters"]
    total = sum(doc["n"] for doc in counters.find({"_id": {"$regex": "^h"}}, {"n": 1}))
    assert total == WRITERS * ROUNDS * BULK
    assert counters.count_documents({"_id": {"$regex": "^new-"}}) == WRITERS * ROUNDS * 50
    assert seed["history"].count_documents({}) == WRITERS * ROUNDS * 500
    assert seed.command("ping")["ok"] == 1


LOG_LIMIT = 64 << 20  # journal_size_limit (patches.py, part 6)


def test_the_write_ahead_log_is_copied_back_while_updates_go_on(stack):
    """Commits no longer run SQLite's checkpoints (patches.py, part 6): the store's own
    checkpointer must copy the log into the database and keep it bounded, or the log would
    grow with every write and a restart would replay all of it."""
    data = os.environ.get("JINGZHUN_TEST_DATA", os.path.expanduser("~/.cache/jingzhun/test-stack"))
    db_name = unique_prefix("wal")
    db = MongoClient(stack["mongo"])[db_name]
    db["counters"].insert_many([{"_id": f"h{i}", "n": 0, "pad": "x" * 500} for i in range(2_000)])
    files = Path(data) / "ferretdb" / "data"
    database, log = files / f"{db_name}.sqlite", files / f"{db_name}.sqlite-wal"
    if not database.exists():
        pytest.skip(f"the store's files are not under {files} (a store this run did not start)")
    largest = 0
    for r in range(30):  # ~60,000 rewrites of a page each: several times the checkpoint size
        db["counters"].bulk_write([UpdateOne({"_id": f"h{i}"}, {"$inc": {"n": 1}}) for i in range(2_000)], ordered=False)
        largest = max(largest, log.stat().st_size if log.exists() else 0)
    copied = database.stat().st_size
    assert copied > 1_000_000, f"nothing copied into the database file ({copied} bytes): no checkpoint ran"
    assert largest <= 2 * LOG_LIMIT, f"the log grew to {largest} bytes while updates went on"
    assert sum(d["n"] for d in db["counters"].find({}, {"n": 1})) == 30 * 2_000
