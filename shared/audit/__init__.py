"""The audit log: who changed what and who saw unmasked personal data, when — append-only
and tamper-evident.

Each entry has a sequence number as its ``_id`` and carries the hash of the entry before
it; its own hash is sha256(previous hash + canonical JSON of the entry). Editing an entry
breaks its hash, deleting one leaves a gap in the numbers (or a chain that no longer
links), and ``python -m shared.audit verify`` says where. FerretDB has no transactions, so
an append takes the next number by inserting it: two appends racing for the same number
cannot both succeed (duplicate ``_id``), and the loser reads the new end and tries again.

The end is found by lookups of ``_id``, never by sorting the log: from the last number this
process saw, ids are probed at doubling distances until one is free, then the gap is
bisected — a handful of index lookups however long the log. (A sort by ``_id`` is answered
from the index by MongoDB, but the local store sorts in memory after reading every entry:
860 ms per append at 20,000 entries, measured.) Numbers have no gaps unless someone
deleted entries, which ``verify`` reports either way.

Where it lives: one database, ``<prefix>_audit``, shared by every service (a change in any
program and a file read in the registry end up in one chain). The registry's own record of
file changes (registry events on its topic, ``/api/audit``) stays as it was: it says why a
file changed; this log says who did what through which request, and can be checked.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from pymongo import DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

GENESIS = "0" * 64
COLLECTION = "entries"
MAX_TRIES = 50


def canonical(entry: dict) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(previous: str, entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256((previous + canonical(body)).encode()).hexdigest()


def audit_db_name(db_prefix: str) -> str:
    return f"{db_prefix}_audit"


class AuditLog:
    def __init__(self, db: Database):
        self.entries = db[COLLECTION]
        self._seen = 0   # the last number this process saw: where the search for the end starts

    def append(self, who: str | None, service: str, action: str, what: dict) -> dict:
        """Append one entry at the end of the chain and return it."""
        for _ in range(MAX_TRIES):
            last = self.last()
            entry = {
                "_id": (last["_id"] + 1) if last else 1,
                "at": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
                "who": who,
                "service": service,
                "action": action,
                "what": what,
                "prev": last["hash"] if last else GENESIS,
            }
            entry["hash"] = entry_hash(entry["prev"], entry)
            try:
                self.entries.insert_one(entry)
                self._seen = entry["_id"]
                return entry
            except DuplicateKeyError:
                continue   # someone else took this place: read the new end and try again
        raise RuntimeError("could not append to the audit log (too much contention)")

    def last(self) -> dict | None:
        """The entry at the end of the chain (None for an empty log)."""
        last = self._entry(self._seen) if self._seen else None
        if last is None:
            self._seen = 0   # the log was emptied or replaced: search from its start
        step = 1
        while True:   # gallop: probe at doubling distances until a number is free
            probe = self._entry((last["_id"] if last else 0) + step)
            if probe is None:
                break
            last, step = probe, step * 2
        low, high = (last["_id"] if last else 0), (last["_id"] if last else 0) + step
        while high - low > 1:   # then bisect: low is taken (or 0), high is free
            middle = (low + high) // 2
            found = self._entry(middle)
            low, high, last = (middle, high, found) if found else (low, middle, last)
        if last:
            self._seen = last["_id"]
        return last

    def _entry(self, seq: int) -> dict | None:
        return self.entries.find_one({"_id": seq})

    def recent(self, limit: int = 100, who: str | None = None) -> list[dict]:
        """The newest entries, newest first (of one person when ``who`` is given)."""
        if who:
            return list(self.entries.find({"who": who}).sort("_id", DESCENDING).limit(limit))
        last = self.last()
        if not last:
            return []
        seqs = list(range(last["_id"], max(0, last["_id"] - limit), -1))
        return sorted(self.entries.find({"_id": {"$in": seqs}}), key=lambda e: e["_id"], reverse=True)

    def verify(self) -> list[str]:
        """Every break in the chain, in order; [] when the log is intact."""
        problems, expected_seq, previous = [], 1, GENESIS
        for entry in self.entries.find().sort("_id", 1):
            seq = entry["_id"]
            if seq != expected_seq:
                problems.append(f"entries {expected_seq}..{seq - 1} are missing (deleted?)"
                                if isinstance(seq, int) and seq > expected_seq else f"unexpected entry id {seq!r}")
            if entry.get("prev") != previous:
                problems.append(f"entry {seq}: does not link to the entry before it")
            if entry_hash(entry.get("prev", ""), entry) != entry.get("hash"):
                problems.append(f"entry {seq}: its content does not match its hash (edited?)")
            previous = entry.get("hash", "")
            expected_seq = (seq + 1) if isinstance(seq, int) else expected_seq + 1
        return problems
