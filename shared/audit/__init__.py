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

Keyed and anchored: an entry's hash is an HMAC under a key of the services (``AUDIT_KEY``, or
derived from ``SECRET_KEY``), marked ``alg: hmac-sha256`` with the key's id (``kid``), so
whoever can write to the store cannot recompute the chain after an edit, nor pass a forged
entry off as one of an earlier release (unkeyed, plain sha256): once the main chain has a
keyed entry, every later one must be keyed, and so must every entry of a chain a keyed entry
opened. The chains' heads are also published outside the store (``anchors.py``), so entries
cut off a chain's end are missed too. Entries of an earlier release verify as they did.

Where it lives: one database, ``<prefix>_audit``, shared by every service (a change in any
program and a file read in the registry end up in one log, every chain opened from the main
chain). The registry's own record of
file changes (registry events on its topic, ``/api/audit``) stays as it was: it says why a
file changed; this log says who did what through which request, and can be checked.
"""
from __future__ import annotations

import hashlib
import hmac
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
KEYED = "hmac-sha256"   # the ``alg`` of keyed entries; entries without one are an earlier release's
COLLECTION = "entries"
CHAINED = "chained"   # the per-process chains
MAX_TRIES = 50
MAIN_CHAIN = "main"   # the main chain's name among the anchors


def canonical(entry: dict) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(previous: str, entry: dict, key: bytes | None = None) -> str:
    """The hash an entry must carry: an HMAC under ``key`` for a keyed entry (``alg``), plain
    sha256 for an earlier release's. A keyed entry cannot be checked without the key."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    message = (previous + canonical(body)).encode()
    if body.get("alg") == KEYED:
        if key is None:
            raise ValueError("a keyed audit entry needs the key")
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def key_id(key: bytes) -> str:
    """Names the key an entry was made with (a wrong key is then told apart from an edit)."""
    return hashlib.sha256(b"kid:" + key).hexdigest()[:12]


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
    def __init__(self, db: Database, key: bytes, anchors=None):
        """``key``: the chain's HMAC key (anchors.audit_key); ``anchors``: an AnchorPublisher
        told every head this process writes (None: not published, e.g. a tool that reads)."""
        self.entries = db[COLLECTION]
        self.chained = db[CHAINED]
        self.key = key
        self.kid = key_id(key)
        self.anchors = anchors
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
                 "prev": chain.hash, "alg": KEYED, "kid": self.kid}
        entry["hash"] = entry_hash(entry["prev"], entry, self.key)
        try:
            self.chained.insert_one(entry)
        except Exception:
            self._local.chain = None   # stored or not, nobody can tell: the next entry opens a new chain
            raise
        chain.seq, chain.hash = entry["seq"], entry["hash"]
        self._anchor(chain.id, entry)
        return entry

    def _anchor(self, chain: str, entry: dict) -> None:
        if self.anchors is not None:
            self.anchors.note(chain, entry["seq"] if chain != MAIN_CHAIN else entry["_id"], entry["hash"], entry["at"])

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
                "alg": KEYED,
                "kid": self.kid,
            }
            entry["hash"] = entry_hash(entry["prev"], entry, self.key)
            try:
                self.entries.insert_one(entry)
                self._seen = entry["_id"]
                self._anchor(MAIN_CHAIN, entry)
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

    def verify(self, anchors: dict[str, dict] | None = None) -> list[str]:
        """Every break in the main chain, then in each per-process chain, then every anchored
        head (``anchors.read_anchors``) the store no longer holds as it was; [] when intact."""
        problems, expected_seq, previous, opened, keyed = [], 1, GENESIS, {}, False
        for entry in self.entries.find().sort("_id", 1):
            seq = entry["_id"]
            if seq != expected_seq:
                problems.append(f"entries {expected_seq}..{seq - 1} are missing (deleted?)"
                                if isinstance(seq, int) and seq > expected_seq else f"unexpected entry id {seq!r}")
            if entry.get("prev") != previous:
                problems.append(f"entry {seq}: does not link to the entry before it")
            keyed = keyed or entry.get("alg") == KEYED
            problems += self._hash_problems(f"entry {seq}", entry, keyed)
            if entry.get("opens"):
                opened[entry["opens"]] = (entry.get("hash"), entry.get("alg") == KEYED)
            previous = entry.get("hash", "")
            expected_seq = (seq + 1) if isinstance(seq, int) else expected_seq + 1
        problems += self._verify_chains(opened)
        return problems + self._anchor_problems(anchors or {})

    def _hash_problems(self, where: str, entry: dict, must_be_keyed: bool) -> list[str]:
        if entry.get("alg") == KEYED:
            if entry.get("kid") != self.kid:
                return [f"{where}: made with another key (key id {entry.get('kid')!r}, this one is {self.kid!r})"]
        elif must_be_keyed:
            return [f"{where}: not keyed where keyed entries came before it (forged?)"]
        if entry_hash(entry.get("prev", ""), entry, self.key) != entry.get("hash"):
            return [f"{where}: its content does not match its hash (edited?)"]
        return []

    def _verify_chains(self, opened: dict[str, tuple]) -> list[str]:
        problems, chain, expected_seq, previous, keyed = [], None, 1, "", False
        for entry in self.chained.find().sort("_id", 1):   # by chain, then by number
            name, seq = entry.get("chain"), entry.get("seq")
            if name != chain:
                chain, expected_seq = name, 1
                previous, keyed = opened.get(name, (None, True))
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
            problems += self._hash_problems(where, entry, keyed)
            previous = entry.get("hash", "")
            expected_seq = (seq + 1) if isinstance(seq, int) else expected_seq + 1
        return problems

    def _anchor_problems(self, anchors: dict[str, dict]) -> list[str]:
        """An anchored head must still be in the store with the hash it was published with:
        otherwise entries were cut from that chain's end (or it was rewritten)."""
        problems = []
        for chain, head in sorted(anchors.items()):
            if chain == MAIN_CHAIN:
                where, stored = f"entry {head['seq']}", self.entries.find_one({"_id": head["seq"]})
            else:
                where, stored = f"chain {chain} entry {head['seq']}", \
                    self.chained.find_one({"_id": chained_id(chain, head["seq"])})
            if stored is None:
                problems.append(f"{where}: anchored at {head['at']} but missing (entries cut from the chain's end?)")
            elif stored.get("hash") != head["hash"]:
                problems.append(f"{where}: differs from its anchor of {head['at']} (rewritten?)")
        return problems
