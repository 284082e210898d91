"""Materialized statistics per area, updated with $inc as events arrive, exactly once.

Two collections, written together:
- ``stats``: one document per area (village, township, county), group and month;
- ``area_totals``: one per county and group, over all months: the county's own totals and,
  under ``children``, those of each of its townships. A county's list of townships (and a
  prefecture's or province's of counties) is one document per group and county instead of
  every child's every month. Counties only: a poll touches few of them, while documents per
  township would add a write for nearly every township a poll touches (and one per county
  holding every village is slow to rewrite and to read on the local store).

Each document remembers, per Kafka partition, the last offset it counted (``offsets``): a
partition is applied by one consumer at a time, in order, so a redelivery (offset not
greater) is ignored. Consumers of other partitions update the same document; the store makes
each update atomic. A read costs the same whatever the number of partitions. A rebuild from
the same topics reproduces the same documents.

``upgrade`` brings statistics kept by an earlier release to this shape when the consumer
starts, before its first poll."""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timezone

from pymongo import ASCENDING, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.registry.domain.areas import level_of, path_of, prefix_of

log = logging.getLogger(__name__)
COUNTED_LEVELS = ("county", "township", "village")
# Levels summed from their counties' totals, and which child of theirs a county counts for:
# the country's provinces, a province's prefectures, a prefecture's counties.
ABOVE_COUNTIES = {"country": lambda doc: doc["area"][:2] + "0000",
                  "province": lambda doc: doc["area"][:4] + "00",
                  "prefecture": lambda doc: doc["area"]}
UPGRADE = "stats: one document per area, group and month; area_totals"


class Stats:
    def __init__(self, db: Database):
        self.stats = db["stats"]
        self.area_totals = db["area_totals"]
        self.upgrades = db["upgrades"]

    def ensure_indexes(self) -> None:
        self.stats.create_index([("area", ASCENDING), ("group", ASCENDING), ("month", ASCENDING)])
        # Reads name the level and an area or a prefix of areas: with the level first, the
        # counties of a province are one index range, not every county of the country.
        self.stats.create_index([("level", ASCENDING), ("area", ASCENDING), ("group", ASCENDING), ("month", ASCENDING)])
        if "level_1_group_1" in self.stats.index_information():
            self.stats.drop_index("level_1_group_1")  # replaced by the index above
        self.area_totals.create_index([("level", ASCENDING), ("area", ASCENDING), ("group", ASCENDING)])

    # --- writing ------------------------------------------------------------------------
    def add(self, position: str, offset: int, group: str, month: str, changes: list[tuple[str, dict]]) -> None:
        """Add each (village_code, increments) to the counters of its village, township and
        county, once for this record (``position`` 'topic:partition', ``offset``)."""
        for target, doc_id, described, inc in _writes(group, month, changes):
            if inc:
                self._inc(self._collection(target), doc_id, position, described, offset, offset, inc)

    def add_many(self, records: list[tuple[str, int, str, str, list[tuple[str, dict]]]]) -> None:
        """``add`` for many records (as a consumer's poll gives them, each partition in
        offset order) in one write per counter document instead of one per record.

        A document's merged increment from one partition is guarded by the first offset it
        sums: if the document already counted any of them (a redelivery after a crash, with
        other batch boundaries), the records are added one by one, each guarded by its own
        offset."""
        merged: dict = {}
        for position, offset, group, month, changes in records:
            for target, doc_id, described, inc in _writes(group, month, changes):
                if not inc:
                    continue  # changes nothing, as in add()
                entry = merged.setdefault((target, doc_id, position), {"described": described, "parts": []})
                entry["parts"].append((offset, inc))
        by_target: dict = defaultdict(list)
        for (target, doc_id, position), entry in merged.items():
            by_target[target].append((doc_id, position, entry))
        for target, entries in by_target.items():
            self._write_merged(self._collection(target), entries)

    def _write_merged(self, collection: Collection, entries: list) -> None:
        """One unordered bulk write of every document's merged, guarded upsert: one round
        trip instead of one per document. If any is refused (a redelivery: the document
        counted some of its records already; or two upserts inserting one new document at
        once), every document is written again record by record, each under its own
        offset's guard, so what the bulk applied is not counted twice. (The local store
        answers a refused upsert by ending the command, without the counts pymongo reads:
        hence the whole fallback, not just the refused statements.)"""
        operations = []
        for doc_id, position, entry in entries:
            parts = entry["parts"]
            # Keys that sum to 0 are kept: add() would have created them with 0.
            total: dict = defaultdict(int)
            for _, inc in parts:
                for key, value in inc.items():
                    total[key] += value
            operations.append(UpdateOne(*_guarded(doc_id, position, entry["described"], parts[0][0], parts[-1][0],
                                                  dict(total)), upsert=True))
        try:
            result = collection.bulk_write(operations, ordered=False)
            if result.matched_count + result.upserted_count == len(operations):
                return
        except (BulkWriteError, KeyError):
            pass
        for doc_id, position, entry in entries:
            for offset, inc in entry["parts"]:
                self._inc(collection, doc_id, position, entry["described"], offset, offset, inc)

    def _collection(self, target: str) -> Collection:
        return self.stats if target == "stats" else self.area_totals

    @staticmethod
    def _inc(collection: Collection, doc_id: str, position: str, described: dict, first: int, last: int,
             inc: dict) -> bool:
        """Apply ``inc`` unless the document counted offset ``first`` of ``position``
        already; False if it had."""
        guard, update = _guarded(doc_id, position, described, first, last, inc)
        try:
            collection.update_one(guard, update, upsert=True)
            return True
        except DuplicateKeyError:
            # The document exists: it counted ``first`` already, or another partition's
            # consumer inserted it since this update looked (MongoDB does not retry an upsert
            # whose filter is more than the _id). Without the insert, the guard decides.
            return collection.update_one(guard, update).matched_count == 1

    # --- upgrading what an earlier release kept ------------------------------------------
    def upgrade(self) -> dict:
        """Once per database, before the consumer's first poll: fold the earlier shape's
        documents and make ``area_totals`` from the month documents. Each step can stop
        half-way (a crash, a kill) and run again without counting anything twice."""
        if self.upgrades.find_one({"_id": UPGRADE}) is not None:
            return {}
        done = {"folded": self.fold_partitions(), "totalled": self.total_areas()}
        self.upgrades.update_one({"_id": UPGRADE}, {"$set": {**done, "at": datetime.now(timezone.utc)}}, upsert=True)
        return done

    def fold_partitions(self, batch: int = 1000) -> int:
        """Fold documents of the earlier shape (one per area, group, month and partition,
        with one ``offset``) into the document of their area, group and month; the number
        folded. Each is added under its partition's guard, as the events it summed would
        be, then deleted: a fold that stops half-way, or runs in two processes at once,
        counts nothing twice."""
        folded = 0
        while True:
            old = list(self.stats.find({"offset": {"$exists": True}}).limit(batch))
            if not old:
                return folded
            for doc in old:
                area, group, month, position = doc["_id"].split("|")
                counts = _flat(_counted(doc))
                self._inc(self.stats, f"{area}|{group}|{month}", position,
                          {"area": area, "level": doc["level"], "group": group, "month": month},
                          doc["offset"], doc["offset"], counts)
            self.stats.delete_many({"_id": {"$in": [doc["_id"] for doc in old]}})
            folded += len(old)

    def total_areas(self) -> int:
        """Make the ``area_totals`` of every county that has none, from the month documents
        (run while nothing counts). Its guard is what the area's own month
        documents counted: a partition applies in order, so a record at or below the
        highest offset they hold was counted in them all. Written whole or not at all; one
        already there is left."""
        made = 0
        by_county: dict = defaultdict(list)
        for doc in self.stats.find({"level": "county"}):
            by_county[doc["area"]].append(doc)
        for county, own in sorted(by_county.items()):
            townships = list(self.stats.find({"level": "township", "area": {"$regex": f"^{county}"}}, {"offsets": 0}))
            for group in sorted({d["group"] for d in own}):
                doc = {"_id": f"{county}|{group}", "area": county, "level": "county", "group": group,
                       "offsets": _highest([d.get("offsets", {}) for d in own if d["group"] == group]),
                       **_total(d for d in own if d["group"] == group),
                       "children": _split((d for d in townships if d["group"] == group), lambda d: d["area"])}
                try:
                    self.area_totals.insert_one(doc)
                    made += 1
                except DuplicateKeyError:
                    pass
            log.info("area totals made", extra={"county": county, "documents": made})
        return made

    # --- reading ------------------------------------------------------------------------
    def totals(self, area: str, group: str, month: str | None = None) -> dict:
        """Counters of an area (any level; province and prefecture sum their counties)."""
        query = self._area_query(area)
        query["group"] = group
        if month:
            query["month"] = month
        return _total(self.stats.find(query, UNCOUNTED))

    def overview(self, area: str, groups, child_groups) -> dict[str, dict]:
        """``totals`` and the months of an area for ``groups``, and the totals of each
        area one level below (drill-down: province › prefecture › county › township ›
        village) for ``child_groups``: {"totals"|"months"|"children": {group: …}}. Two
        reads, each of a few dozen documents (a township's villages: each village's months)."""
        groups, child_groups = list(groups), list(child_groups)
        own: dict = {g: [] for g in groups}
        for doc in self.stats.find({**self._area_query(area), "group": {"$in": groups}}, UNCOUNTED):
            own[doc["group"]].append(doc)
        return {"totals": {g: _total(own[g]) for g in groups},
                "months": {g: _split(own[g], lambda doc: doc["month"]) for g in groups},
                "children": self._children(area, child_groups)}

    def _children(self, area: str, groups: list[str]) -> dict[str, dict]:
        children: dict = {g: {} for g in groups}
        level = level_of(area)
        if level == "county":
            for doc in self.area_totals.find({"_id": {"$in": [f"{area}|{g}" for g in groups]}}, {"children": 1, "group": 1}):
                children[doc["group"]] = {code: _plain(counts) for code, counts in sorted(doc.get("children", {}).items())}
        elif level == "township":
            children = _split_by_group(self.stats.find(
                {"level": "village", "area": {"$regex": f"^{area}"}, "group": {"$in": groups}}, UNCOUNTED),
                groups, lambda doc: doc["area"])
        elif level in ABOVE_COUNTIES:
            children = _split_by_group(self.area_totals.find(
                {"level": "county", "area": {"$regex": f"^{prefix_of(area)}"}, "group": {"$in": groups}},
                {**UNCOUNTED, "children": 0}),
                groups, ABOVE_COUNTIES[level])
        return children

    def _area_query(self, area: str) -> dict:
        level = level_of(area)
        if level in COUNTED_LEVELS:
            return {"area": area, "level": level}
        return {"level": "county", "area": {"$regex": f"^{prefix_of(area)}"}}


def _guarded(doc_id: str, position: str, described: dict, first: int, last: int, inc: dict) -> tuple[dict, dict]:
    """The filter and update that add ``inc`` to a counter document unless it counted
    offset ``first`` of ``position`` already, and record ``last`` as counted."""
    field = _offset_field(position)
    guard = {"_id": doc_id, field: {"$not": {"$gte": first}}}  # also true while the partition has none
    return guard, {"$inc": inc, "$set": {field: last}, "$setOnInsert": described}


def _writes(group: str, month: str, changes: list[tuple[str, dict]]):
    """(collection, document id, its describing fields, increments) of every counter one
    record changes: the month documents of its village, township and county, and the
    area_totals of its county (own totals and the township's)."""
    merged: dict = defaultdict(lambda: defaultdict(int))
    for village_code, inc in changes:
        path = path_of(village_code)
        for key, value in inc.items():
            for level in COUNTED_LEVELS:
                merged[("stats", path[level])][key] += value
            totals = merged[("area_totals", path["county"])]
            totals[key] += value
            totals[f"children.{path['township']}.{key}"] += value
    for (target, area), inc in merged.items():
        described = {"area": area, "level": level_of(area), "group": group}
        if target == "stats":
            yield target, f"{area}|{group}|{month}", {**described, "month": month}, _nonzero(inc)
        else:
            yield target, f"{area}|{group}", described, _nonzero(inc)


def _nonzero(inc: dict) -> dict:
    return {k: v for k, v in inc.items() if v}


def offset_key(position: str) -> str:
    """The key of a partition's last counted offset in ``offsets``. A topic name may hold
    dots, which a field path cannot; it never holds "~"."""
    return position.replace(".", "~")


def _offset_field(position: str) -> str:
    return f"offsets.{offset_key(position)}"


def _highest(offsets: list[dict]) -> dict:
    highest: dict = {}
    for each in offsets:
        for key, value in each.items():
            highest[key] = max(value, highest.get(key, value))
    return highest


def _flat(counts: dict, prefix: str = "") -> dict:
    """Nested counters as the dotted paths $inc takes."""
    flat = {}
    for key, value in counts.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


COUNTER_KEYS = ("area", "level", "group", "month")  # what a counter document says, not what it counts
UNCOUNTED = {"_id": 0, "offset": 0, "offsets": 0}  # the guards, left out of every read


def _counted(doc: dict) -> dict:
    """A counter document's own counters: not what describes it, its guards or its children's."""
    return {k: v for k, v in doc.items() if k not in (*COUNTER_KEYS, *UNCOUNTED, "children")}


def _total(docs) -> dict:
    total: dict = defaultdict(int)
    for doc in docs:
        _merge(total, _counted(doc))
    return _plain(total)


def _split(docs, bucket) -> dict[str, dict]:
    split: dict = defaultdict(lambda: defaultdict(int))
    for doc in docs:
        _merge(split[bucket(doc)], _counted(doc))
    return {k: _plain(v) for k, v in sorted(split.items())}


def _split_by_group(docs, groups: list[str], bucket) -> dict[str, dict]:
    """``_split`` of each group's documents: {group: {bucket: counters}}."""
    by_group: dict = {g: [] for g in groups}
    for doc in docs:
        by_group[doc["group"]].append(doc)
    return {g: _split(by_group[g], bucket) for g in groups}


def _merge(total: dict, doc: dict) -> None:
    for key, value in doc.items():
        if isinstance(value, dict):
            inner = total.setdefault(key, defaultdict(int))
            _merge(inner, value)
        elif isinstance(value, (int, float)):
            total[key] += value


def _plain(value):
    return {k: _plain(v) for k, v in value.items()} if isinstance(value, dict) else value
