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

Requests write to a chain of their own thread (``record``): the main chain above is where
every writer of every service would race for the next number, one insert and several
lookups per entry, and the end everybody probes. So each thread of each process (of each
AuditLog in it: a web worker's few request threads) opens a chain of its own once, with an
entry in the main chain that names it (``opens``), and then appends to it in ``chained`` by
one insert and no read: it alone writes that chain and keeps its end in memory, so there is
nothing to race for and nothing to lock. Entry ``n`` of chain ``c`` has ``_id`` ``c:n`` (zero-padded) and
carries the hash of entry ``n - 1`` (entry 1: of the main-chain entry that opened it), so
the same checks hold: an edit breaks a hash, a deletion leaves a gap or a broken link, a
chain that no main-chain entry opened is reported as forged. As with the main chain, the
entries after the last one kept cannot be told from entries never written (cut a chain's
end and nothing links past the cut). An append whose insert failed may or may not be
stored, so the thread abandons that chain and opens a new one with its next entry; the
chain then ends at whichever entry was the last one stored, without a gap. Logs of an
earlier release have only the main chain and verify as before.

Where it lives: one database, ``<prefix>_audit``, shared by every service (a change in any
program and a file read in the registry end up in one log, every chain opened from the main
chain). The registry's own record of
file changes (registry events on its topic, ``/api/audit``) stays as it was: it says why a
file changed; this log says who did what through which request, and can be checked.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from pymongo import DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

GENESIS = "0" * 64
COLLECTION = "entries"
CHAINED = "chained"   # the per-process chains
MAX_TRIES = 50


def canonical(entry: dict) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(previous: str, entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256((previous + canonical(body)).encode()).hexdigest()


def audit_db_name(db_prefix: str) -> str:
    return f"{db_prefix}_audit"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def chained_id(chain: str, seq: int) -> str:
    return f"{chain}:{seq:012d}"


@dataclass
class _Chain:
    id: str
    pid: int
    seq: int     # the last entry written
    hash: str    # its hash


class AuditLog:
    def __init__(self, db: Database):
        self.entries = db[COLLECTION]
        self.chained = db[CHAINED]
        self._seen = 0   # the last number this process saw: where the search for the end starts
        self._local = threading.local()   # .chain: this thread's chain (_Chain), once opened

    def record(self, who: str | None, service: str, action: str, what: dict) -> dict:
        """Append one entry to this thread's own chain (the first one opens the chain in the
        main chain) and return it. One insert, no reads, no write shared with anyone."""
        chain = getattr(self._local, "chain", None)
        if chain is None or chain.pid != os.getpid():   # never written here, or a forked copy
            self._local.chain = None
            chain_id = f"{service}-{os.getpid()}-{secrets.token_hex(6)}"
            opened = self.append(who, service, action, what, opens=chain_id)
            self._local.chain = _Chain(chain_id, os.getpid(), 0, opened["hash"])
            return opened
        entry = {"_id": chained_id(chain.id, chain.seq + 1), "chain": chain.id, "seq": chain.seq + 1,
                 "at": _now(), "who": who, "service": service, "action": action, "what": what,
                 "prev": chain.hash}
        entry["hash"] = entry_hash(entry["prev"], entry)
        try:
            self.chained.insert_one(entry)
        except Exception:
            self._local.chain = None   # stored or not, nobody can tell: the next entry opens a new chain
            raise
        chain.seq, chain.hash = entry["seq"], entry["hash"]
        return entry

    def append(self, who: str | None, service: str, action: str, what: dict, opens: str | None = None) -> dict:
        """Append one entry at the end of the main chain and return it (``opens``: the
        per-process chain this entry starts)."""
        for _ in range(MAX_TRIES):
            last = self.last()
            entry = {
                "_id": (last["_id"] + 1) if last else 1,
                "at": _now(),
                "who": who,
                "service": service,
                "action": action,
                "what": what,
                "prev": last["hash"] if last else GENESIS,
                **({"opens": opens} if opens else {}),
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
        """The newest entries of every chain, newest first (of one person when ``who`` is given)."""
        if who:
            main = list(self.entries.find({"who": who}).sort("_id", DESCENDING).limit(limit))
        else:
            last = self.last()
            seqs = list(range(last["_id"], max(0, last["_id"] - limit), -1)) if last else []
            main = sorted(self.entries.find({"_id": {"$in": seqs}}), key=lambda e: e["_id"], reverse=True) \
                if seqs else []
        chained = list(self.chained.find({"who": who} if who else {}).sort("at", DESCENDING).limit(limit))
        if not chained:
            return main
        return sorted(main + chained, key=lambda e: e.get("at", ""), reverse=True)[:limit]

    def verify(self) -> list[str]:
        """Every break in the main chain, then in each per-process chain; [] when intact."""
        problems, expected_seq, previous, opened = [], 1, GENESIS, {}
        for entry in self.entries.find().sort("_id", 1):
            seq = entry["_id"]
            if seq != expected_seq:
                problems.append(f"entries {expected_seq}..{seq - 1} are missing (deleted?)"
                                if isinstance(seq, int) and seq > expected_seq else f"unexpected entry id {seq!r}")
            if entry.get("prev") != previous:
                problems.append(f"entry {seq}: does not link to the entry before it")
            if entry_hash(entry.get("prev", ""), entry) != entry.get("hash"):
                problems.append(f"entry {seq}: its content does not match its hash (edited?)")
            if entry.get("opens"):
                opened[entry["opens"]] = entry.get("hash")
            previous = entry.get("hash", "")
            expected_seq = (seq + 1) if isinstance(seq, int) else expected_seq + 1
        return problems + self._verify_chains(opened)

    def _verify_chains(self, opened: dict[str, str]) -> list[str]:
        problems, chain, expected_seq, previous = [], None, 1, ""
        for entry in self.chained.find().sort("_id", 1):   # by chain, then by number
            name, seq = entry.get("chain"), entry.get("seq")
            if name != chain:
                chain, expected_seq, previous = name, 1, opened.get(name)
                if previous is None:
                    problems.append(f"chain {name}: no main-chain entry opens it (forged?)")
            where = f"chain {chain} entry {seq}"
            if entry["_id"] != chained_id(str(name), seq if isinstance(seq, int) else -1):
                problems.append(f"{where}: its id {entry['_id']!r} does not match its chain and number")
            elif seq != expected_seq:
                problems.append(f"chain {chain}: entries {expected_seq}..{seq - 1} are missing (deleted?)"
                                if seq > expected_seq else f"{where}: out of order")
            if previous is not None and entry.get("prev") != previous:
                problems.append(f"{where}: does not link to the entry before it")
            if entry_hash(entry.get("prev", ""), entry) != entry.get("hash"):
                problems.append(f"{where}: its content does not match its hash (edited?)")
            previous = entry.get("hash", "")
            expected_seq = (seq + 1) if isinstance(seq, int) else expected_seq + 1
        return problems
