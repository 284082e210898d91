"""The audit log's per-thread chains (shared.audit): one insert per entry and no read, one
main-chain entry per chain, and ``verify`` still finds every edit, deletion and forgery.
On a small in-memory stand-in for the collections (the real store: test_sessions_audit)."""
from __future__ import annotations

import threading

import pytest
from pymongo.errors import AutoReconnect, DuplicateKeyError

from shared.audit import GENESIS, KEYED, AuditLog, chained_id, entry_hash
from shared.web.cache import TtlCache


class _Cursor(list):
    def sort(self, key, direction=1):
        return _Cursor(sorted(self, key=lambda d: d.get(key), reverse=direction < 0))

    def limit(self, n):
        return _Cursor(self[:n])


class _Collection:
    def __init__(self):
        self.docs, self.reads, self.fail_next = {}, 0, 0
        self.lock = threading.Lock()

    def insert_one(self, doc):
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                raise AutoReconnect("store went away")
            if doc["_id"] in self.docs:
                raise DuplicateKeyError("duplicate _id")
            self.docs[doc["_id"]] = dict(doc)

    def find_one(self, query):
        self.reads += 1
        doc = self.docs.get(query["_id"])
        return dict(doc) if doc else None

    def find(self, query=None):
        self.reads += 1
        query = query or {}
        ids = query.get("_id", {}).get("$in") if isinstance(query.get("_id"), dict) else None
        plain = {k: v for k, v in query.items() if k != "_id"}
        return _Cursor(dict(d) for d in list(self.docs.values())
                       if (ids is None or d["_id"] in ids) and all(d.get(k) == v for k, v in plain.items()))

    def count_documents(self, query):
        return len(self.find(query))


class _Db(dict):
    def __missing__(self, name):
        self[name] = _Collection()
        return self[name]


KEY = b"the services' audit key"


@pytest.fixture
def log():
    return AuditLog(_Db(), KEY)


def _chains(log):
    return sorted({e["chain"] for e in log.chained.docs.values()})


def test_a_thread_opens_its_chain_once_then_appends_by_one_insert_and_no_read(log):
    first = log.record("central", "ecommerce", "change", {"i": 0})
    assert first["_id"] == 1 and first["opens"]                  # the opening entry: in the main chain
    reads = log.entries.reads + log.chained.reads
    entries = [log.record("central", "ecommerce", "change", {"i": i}) for i in range(1, 50)]
    assert log.entries.reads + log.chained.reads == reads         # no read, whatever the load
    assert len(log.entries.docs) == 1 and len(log.chained.docs) == 49
    assert entries[0]["prev"] == first["hash"] and entries[0]["_id"] == chained_id(first["opens"], 1)
    assert all(b["prev"] == a["hash"] for a, b in zip(entries, entries[1:]))
    assert log.verify() == []


def test_threads_write_chains_of_their_own_and_the_log_verifies(log):
    def write(n):
        for i in range(10):
            log.record(f"writer{n}", "test", "change", {"i": i})
    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(log.entries.docs) == 4 and len(log.chained.docs) == 36 and len(_chains(log)) == 4
    assert log.verify() == []
    assert [e["what"]["i"] for e in log.recent(3, who="writer2")] == [9, 8, 7]


def test_verify_finds_an_edit_a_deletion_and_a_forged_chain(log):
    for i in range(6):
        log.record("central", "test", "change", {"i": i})
    chain = _chains(log)[0]
    log.chained.docs[chained_id(chain, 2)]["who"] = "someone-else"
    assert log.verify() == [f"chain {chain} entry 2: its content does not match its hash (edited?)"]
    del log.chained.docs[chained_id(chain, 2)]
    assert log.verify() == [f"chain {chain}: entries 2..2 are missing (deleted?)",
                            f"chain {chain} entry 3: does not link to the entry before it"]
    log.chained.docs.clear()
    forged = AuditLog(_Db(), KEY)
    forged.record("x", "test", "change", {})
    forged.record("x", "test", "change", {})
    log.chained.docs.update(forged.chained.docs)
    assert log.verify() == [f"chain {_chains(forged)[0]}: no main-chain entry opens it (forged?)"]


def test_deleting_the_entry_that_opened_a_chain_is_found(log):
    log.append("central", "test", "change", {"before": True})
    log.record("central", "test", "change", {})
    log.record("central", "test", "change", {})
    del log.entries.docs[2]
    assert log.verify() == [f"chain {_chains(log)[0]}: no main-chain entry opens it (forged?)"]


def test_a_failed_insert_abandons_the_chain_without_a_gap(log):
    log.record("central", "test", "change", {"i": 0})
    log.record("central", "test", "change", {"i": 1})
    log.chained.fail_next = 1
    with pytest.raises(AutoReconnect):
        log.record("central", "test", "change", {"i": 2})
    again = log.record("central", "test", "change", {"i": 3})
    assert again["_id"] == 2 and again["opens"]          # a new chain, opened in the main chain
    log.record("central", "test", "change", {"i": 4})
    assert len(_chains(log)) == 2 and log.verify() == []


def test_a_forked_process_opens_a_chain_of_its_own(log, monkeypatch):
    log.record("central", "test", "change", {})
    log.record("central", "test", "change", {})
    monkeypatch.setattr("shared.audit.os.getpid", lambda: 999_999)
    assert log.record("central", "test", "change", {})["opens"]
    assert len(log.entries.docs) == 2 and log.verify() == []


def test_an_earlier_release_log_with_the_main_chain_only_verifies_and_lists(log):
    for i in range(5):
        log.append("central", "test", "change", {"i": i})
    assert log.verify() == [] and [e["_id"] for e in log.recent(3)] == [5, 4, 3]
    log.entries.docs[3]["what"] = {"i": 99}
    assert log.verify() == ["entry 3: its content does not match its hash (edited?)"]


def test_recent_merges_every_chain_newest_first(log):
    log.append("auditor", "test", "change", {"n": 0})
    for n in range(1, 4):
        log.record("auditor", "test", "change", {"n": n})
    assert [e["what"]["n"] for e in log.recent(10)] == [3, 2, 1, 0]
    assert [e["what"]["n"] for e in log.recent(2, who="auditor")] == [3, 2]


def _rehashed_without_the_key(entry: dict) -> dict:
    """What someone who can write to the store but lacks the key can do: recompute an edited
    entry's hash, as an earlier release's unkeyed entry or keyed under a key of their own."""
    forged = {k: v for k, v in entry.items() if k not in ("alg", "kid", "hash")}
    forged["hash"] = entry_hash(forged["prev"], forged)
    return forged


def test_an_edit_rehashed_without_the_key_is_found_in_both_kinds_of_chain(log):
    for i in range(4):
        log.record("central", "test", "change", {"i": i})
    log.append("central", "test", "change", {"i": "main"})
    chain = _chains(log)[0]
    edited = {**log.chained.docs[chained_id(chain, 3)], "who": "someone-else"}
    log.chained.docs[edited["_id"]] = _rehashed_without_the_key(edited)
    log.entries.docs[2] = _rehashed_without_the_key({**log.entries.docs[2], "what": {"i": "edited"}})
    assert log.verify() == ["entry 2: not keyed where keyed entries came before it (forged?)",
                            f"chain {chain} entry 3: not keyed where keyed entries came before it (forged?)"]
    entry = {**log.entries.docs[2], "alg": KEYED, "kid": log.kid}
    entry["hash"] = entry_hash(entry["prev"], entry, b"a key of their own")
    log.entries.docs[2] = entry
    assert log.verify()[0] == "entry 2: its content does not match its hash (edited?)"


def test_entries_of_an_earlier_release_verify_and_keyed_ones_follow_them(log):
    previous = GENESIS
    for seq in (1, 2):   # as an earlier release wrote them: plain sha256, no alg
        entry = {"_id": seq, "at": "2026-01-01T00:00:00+00:00", "who": "central", "service": "test",
                 "action": "change", "what": {}, "prev": previous}
        entry["hash"] = previous = entry_hash(previous, entry)
        log.entries.docs[seq] = entry
    assert log.append("central", "test", "change", {})["_id"] == 3
    log.record("central", "test", "change", {})
    assert log.verify() == []
    wrong = AuditLog(_Db(), b"another key")
    wrong.entries, wrong.chained = log.entries, log.chained
    assert wrong.verify()[0] == f"entry 3: made with another key (key id {log.kid!r}, this one is {wrong.kid!r})"


def test_an_anchored_head_cut_from_the_store_or_rewritten_is_found(log):
    for i in range(5):
        log.record("central", "test", "change", {"i": i})
    chain = _chains(log)[0]
    head = log.chained.docs[chained_id(chain, 4)]
    anchors = {chain: {"chain": chain, "seq": 4, "hash": head["hash"], "at": head["at"]},
               "main": {"chain": "main", "seq": 1, "hash": log.entries.docs[1]["hash"], "at": "t"}}
    assert log.verify(anchors) == []
    del log.chained.docs[chained_id(chain, 4)]    # the chain still links: only the anchor tells
    assert log.verify() == []
    assert log.verify(anchors) == [f"chain {chain} entry 4: anchored at {head['at']} but missing (entries cut from the chain's end?)"]
    log.chained.docs[head["_id"]] = {**head, "hash": "0" * 64}
    assert f"chain {chain} entry 4: differs from its anchor of {head['at']} (rewritten?)" in log.verify(anchors)


def test_the_publisher_keeps_the_newest_head_of_each_chain_until_it_is_published():
    from shared.audit.anchors import AnchorPublisher
    from shared.config import Settings
    publisher = AnchorPublisher(Settings(service="test"), interval=3600)
    sent = []

    class _Producer:
        def send(self, topic, key, value):
            sent.append((topic, key, value))

            class _Future:
                def get(self, timeout):
                    return None
            return _Future()

        def flush(self, timeout):
            pass
    publisher._producer_of_this_process = lambda: _Producer()
    publisher.note("c1", 1, "h1", "t1")
    publisher.note("c1", 3, "h3", "t3")
    publisher.note("c1", 2, "h2", "t2")   # an older head noted late does not replace a newer one
    publisher.note("main", 7, "m7", "t7")
    assert publisher.flush() == 2 and publisher.flush() == 0
    assert sorted((key, value) for _, key, value in sent) == [
        (b"c1", b'{"chain": "c1", "seq": 3, "hash": "h3", "at": "t3"}'),
        (b"main", b'{"chain": "main", "seq": 7, "hash": "m7", "at": "t7"}')]


# --- the cache of lookups (shared.web.cache) ---------------------------------------------------
class _Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_cache_keeps_what_was_found_for_at_most_its_ttl_from_before_the_lookup():
    clock, calls = _Clock(), []
    cache = TtlCache(3, clock=clock)

    def load():
        calls.append(clock.now)
        clock.now += 1          # a slow lookup: the 3 s count from before it
        return "found"
    assert cache.get("k", load) == "found" and cache.get("k", load) == "found" and len(calls) == 1
    clock.now = 102.9
    assert cache.get("k", load) == "found" and len(calls) == 1
    clock.now = 103.0
    cache.get("k", load)
    assert len(calls) == 2


def test_the_cache_never_keeps_a_miss_and_forgets_on_demand():
    cache, found = TtlCache(3, clock=_Clock()), {"k": None}
    assert cache.get("k", lambda: found["k"]) is None
    found["k"] = "now here"
    assert cache.get("k", lambda: found["k"]) == "now here"     # a new token works at once
    found["k"] = None
    cache.forget("k")
    assert cache.get("k", lambda: found["k"]) is None


def test_the_cache_is_bounded():
    clock = _Clock()
    cache = TtlCache(3, size=10, clock=clock)
    for i in range(25):
        cache.get(i, lambda: "v")
    assert 0 < len(cache._items) <= 10
    for i in range(10 - len(cache._items)):
        cache.get(f"more{i}", lambda: "v")
    clock.now += 5                                  # all expired: the next one to come clears them
    cache.get("late", lambda: "v")
    assert list(cache._items) == ["late"]
