"""The audit log: who changed what and who saw unmasked personal data, when — append-only
and tamper-evident.

Each entry has a sequence number as its ``_id`` and carries the hash of the entry before
it; its own hash is sha256(previous hash + canonical JSON of the entry). Editing an entry
breaks its hash, deleting one leaves a gap in the numbers (or a chain that no longer
links), and ``python -m shared.audit verify`` says where. FerretDB has no transactions, so
an append takes the next number by inserting it: two appends racing for the same number
cannot both succeed (duplicate ``_id``), and the loser reads the new end and tries again.

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
                return entry
            except DuplicateKeyError:
                continue   # someone else took this place: read the new end and try again
        raise RuntimeError("could not append to the audit log (too much contention)")

    def last(self) -> dict | None:
        return next(iter(self.entries.find().sort("_id", DESCENDING).limit(1)), None)

    def recent(self, limit: int = 100, who: str | None = None) -> list[dict]:
        query = {"who": who} if who else {}
        return list(self.entries.find(query).sort("_id", DESCENDING).limit(limit))

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
