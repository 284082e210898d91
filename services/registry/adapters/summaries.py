"""Each household's assistance summary, in a small document of its own (``household_summaries``),
apart from the file that people edit.

The consumer writes one update per household per poll (its events of that poll merged), all
households of a poll in one unordered ``bulk_write``. The store rewrites a whole document on
every update, so the summary is kept small: the counters and, per Kafka partition, the last
offset it counted (``offsets``), which is also its idempotency guard — a household's events
of one program are all in one partition, in order, so an event whose offset is not above
its partition's is already counted. That replaces a map of every applied event id, which
grew with each event inside the file and made every later update dearer."""
from __future__ import annotations

from collections import defaultdict

from pymongo import UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from services.registry.domain.households import new_summary

COLLECTION = "household_summaries"


def offset_field(partition_key: str) -> str:
    """``offsets.<topic>:<partition>`` with the topic's dots as ``~`` (a dot would nest)."""
    return "offsets." + partition_key.replace(".", "~")


def summary_of(doc: dict | None) -> dict:
    """The summary a document holds, with every field a new one has (an update sets only
    what its events touch)."""
    summary = new_summary()
    if doc:
        summary.update(doc.get("summary") or {})
    return summary


class HouseholdSummaries:
    def __init__(self, db: Database):
        self.summaries = db[COLLECTION]

    def read_many(self, household_ids) -> dict[str, dict]:
        """{household id: {"summary": …, "offsets": {…}}} for those that have one."""
        ids = sorted(set(household_ids))
        found = {}
        for start in range(0, len(ids), 1000):
            for doc in self.summaries.find({"_id": {"$in": ids[start:start + 1000]}}):
                found[doc["_id"]] = doc
        return found

    def attach(self, households: list[dict]) -> list[dict]:
        """The files with their current summary (one read for the lot)."""
        docs = self.read_many(h["_id"] for h in households)
        for household in households:
            doc = docs.get(household["_id"])
            household["summary"] = summary_of(doc)
        return households

    def write(self, changes: dict[str, "SummaryChange"]) -> None:
        """One guarded update per household, in one unordered bulk write. A new document that
        another process inserted meanwhile (duplicate key on the upsert) is updated again
        without the insert: its guard decides."""
        ops, changed = [], []
        for household_id, change in changes.items():
            if change.events or change.place:
                ops.append(change.operation(household_id, upsert=True))
                changed.append((household_id, change))
        if not ops:
            return
        try:
            self.summaries.bulk_write(ops, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if not errors or any(e.get("code") != 11000 for e in errors):
                raise
            retry = [changed[e["index"]][1].operation(changed[e["index"]][0], upsert=False) for e in errors]
            self.summaries.bulk_write(retry, ordered=False)


class SummaryChange:
    """What a poll's events add to one household's summary: merged increments and sets, and
    per partition the first and last offset counted (the first is the guard)."""

    def __init__(self):
        self.inc: dict = defaultdict(int)
        self.set: dict = {}
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.events = 0
        self.place: dict | None = None  # the household's place and status, when read from its file

    def add(self, partition_key: str, offset: int, update: dict) -> None:
        for path, value in update.get("$inc", {}).items():
            self.inc[path] += value
        self.set.update(update.get("$set", {}))
        self.first.setdefault(partition_key, offset)
        self.last[partition_key] = offset
        self.events += 1

    def operation(self, household_id: str, upsert: bool) -> UpdateOne:
        guard = {"_id": household_id}
        sets = dict(self.set)
        for key, first in self.first.items():
            guard[offset_field(key)] = {"$not": {"$gte": first}}  # also true while the partition has none
            sets[offset_field(key)] = self.last[key]
        if self.place is not None:
            sets["place"] = self.place
        update = {"$set": sets}
        if self.inc:
            update["$inc"] = dict(self.inc)
        return UpdateOne(guard, update, upsert=upsert)
