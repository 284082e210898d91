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
from pymongo.errors import DuplicateKeyError

from shared.store import find_in, insert_new
from services.registry.adapters.stats import offset_key

from services.registry.domain.households import new_summary

COLLECTION = "household_summaries"


def offset_field(partition_key: str) -> str:
    """``offsets.<topic>:<partition>``, keyed as the statistics key theirs."""
    return f"offsets.{offset_key(partition_key)}"


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
        return {doc["_id"]: doc for doc in find_in(self.summaries, "_id", household_ids)}

    def attach(self, households: list[dict]) -> list[dict]:
        """The files with their current summary (one read for the lot)."""
        docs = self.read_many(h["_id"] for h in households)
        for household in households:
            doc = docs.get(household["_id"])
            household["summary"] = summary_of(doc)
        return households

    def set_place(self, household_id: str, place: dict) -> None:
        """The place of a new version of the file, set by whoever wrote the file (web pages,
        imports, system changes) before the consumer sees its event: the consumer then counts
        the household's next events where it is now, whatever the order its topics arrive in.
        Guarded by the version: an older one never replaces a newer."""
        try:
            # A new document is what the consumer would have created (SummaryChange.create).
            self.summaries.update_one({"_id": household_id, "place.version": {"$not": {"$gte": place["version"]}}},
                                      {"$set": {"place": place}, "$setOnInsert": {"summary": new_summary(), "offsets": {}}},
                                      upsert=True)
        except DuplicateKeyError:
            pass   # the document has this version's place or a newer one

    def write(self, changes: dict[str, "SummaryChange"]) -> None:
        """A household that had no summary document gets one insert of it whole (one unordered
        insert for the lot); the others one guarded update each, in one unordered bulk write
        of updates without upserts. (On the local store an upsert refused by its guard ends the
        whole command with a duplicate key error, skipping the statements after it, and pymongo
        cannot read the reply: so no statement of the bulk may fail.) A new document another
        process inserted meanwhile is updated like the others. A merged change whose guard
        refuses it (the document counted some of its events already: a process that lost its
        partitions and wrote late) is applied event by event, each under its own offset, as
        the statistics are (stats.py)."""
        created = {hid: c.created for hid, c in changes.items() if c.created is not None}
        taken = insert_new(self.summaries, list(created.values()))
        updated = [(hid, c) for hid, c in changes.items()
                   if (c.created is None or hid in taken) and (c.events or c.place)]
        if not updated:
            return
        result = self.summaries.bulk_write([c.operation(hid) for hid, c in updated], ordered=False)
        if result.matched_count < len(updated):
            self._one_by_one([(hid, c) for hid, c in updated if c.events])

    def _one_by_one(self, changes: list[tuple[str, "SummaryChange"]]) -> None:
        """Each event of these changes under its own offset's guard: what a merged update
        already applied is refused, event by event, by the offsets it set."""
        for household_id, change in changes:
            for key, offset, update in change.parts:
                guard = {"_id": household_id, offset_field(key): {"$not": {"$gte": offset}}}
                self.summaries.update_one(guard, {**update, "$set": {**update.get("$set", {}), offset_field(key): offset}})


class SummaryChange:
    """What a poll's events add to one household's summary: merged increments and sets, and
    per partition the first and last offset counted (the first is the guard)."""

    def __init__(self):
        self.inc: dict = defaultdict(int)
        self.set: dict = {}
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.events = 0
        self.parts: list[tuple[str, int, dict]] = []  # each event's own update, for _one_by_one
        self.place: dict | None = None  # the household's place and status, when read from its file
        self.created: dict | None = None  # the whole new document, when there was none (create)

    def add(self, partition_key: str, offset: int, update: dict) -> None:
        for path, value in update.get("$inc", {}).items():
            self.inc[path] += value
        self.set.update(update.get("$set", {}))
        self.first.setdefault(partition_key, offset)
        self.last[partition_key] = offset
        self.events += 1
        self.parts.append((partition_key, offset, update))

    def operation(self, household_id: str) -> UpdateOne:
        guard = {"_id": household_id}
        sets = dict(self.set)
        for key, first in self.first.items():
            guard[offset_field(key)] = {"$not": {"$gte": first}}  # also true while the partition has none
            sets[offset_field(key)] = self.last[key]
        if self.place is not None:
            sets["place"] = self.place
            # Never over a newer place the file's writer set meanwhile (set_place): refused, the
            # events are then counted one by one without it (HouseholdSummaries.write).
            guard["place.version"] = {"$not": {"$gt": self.place.get("version", 0)}}
        update = {"$set": sets}
        if self.inc:
            update["$inc"] = dict(self.inc)
        return UpdateOne(guard, update)

    def create(self, household_id: str, summary: dict) -> None:
        """The household has no summary document yet: this poll writes it whole (``summary``
        is the summary after the poll's events)."""
        self.created = {"_id": household_id, "summary": summary,
                        "offsets": {offset_key(k): last for k, last in self.last.items()}}
        if self.place is not None:
            self.created["place"] = self.place
