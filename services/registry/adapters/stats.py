"""Materialized statistics per area, updated with $inc as events arrive, exactly once.

Counters are split by the Kafka partition the event came from: each partition is applied
by one consumer at a time, in order, so a counter document can remember the last offset it
applied and ignore a redelivery (offset not greater). Reads sum the partitions. A rebuild
from the same topics reproduces the same documents."""
from __future__ import annotations

from collections import defaultdict

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from services.registry.domain.areas import level_of, path_of, prefix_of

COUNTED_LEVELS = ("county", "township", "village")


class Stats:
    def __init__(self, db: Database):
        self.stats = db["stats"]

    def ensure_indexes(self) -> None:
        self.stats.create_index([("area", ASCENDING), ("group", ASCENDING), ("month", ASCENDING)])
        self.stats.create_index([("level", ASCENDING), ("group", ASCENDING)])

    def add(self, position: str, offset: int, group: str, month: str, changes: list[tuple[str, dict]]) -> None:
        """Add each (village_code, increments) to the counters of its village, township and
        county, once for this record (``position`` 'topic:partition', ``offset``)."""
        for doc_id, (area, level), inc in _counters(position, group, month, changes):
            if inc:
                self._inc(doc_id, area, level, group, month, offset, offset, inc)

    def add_many(self, records: list[tuple[str, int, str, str, list[tuple[str, dict]]]]) -> None:
        """``add`` for many records (as a consumer's poll gives them, each partition in
        offset order) in one write per counter document instead of one per record.

        A document's merged increment is guarded by the first offset it sums: if the
        document already counted any of them (a redelivery after a crash, with other batch
        boundaries), the records are added one by one, each guarded by its own offset."""
        merged: dict = {}
        for position, offset, group, month, changes in records:
            for doc_id, where, inc in _counters(position, group, month, changes):
                if not inc:
                    continue  # changes nothing, as in add()
                entry = merged.setdefault(doc_id, {"where": where, "group": group, "month": month, "parts": []})
                entry["parts"].append((offset, inc))
        for doc_id, entry in merged.items():
            parts = entry["parts"]
            # Keys that sum to 0 are kept: add() would have created them with 0.
            total: dict = defaultdict(int)
            for _, inc in parts:
                for key, value in inc.items():
                    total[key] += value
            area, level = entry["where"]
            if not self._inc(doc_id, area, level, entry["group"], entry["month"], parts[0][0], parts[-1][0], dict(total)):
                for offset, inc in parts:
                    self._inc(doc_id, area, level, entry["group"], entry["month"], offset, offset, inc)

    def _inc(self, doc_id: str, area: str, level: str, group: str, month: str, first: int, last: int, inc: dict) -> bool:
        """Apply ``inc`` unless the document counted offset ``first`` already; False if it had."""
        try:
            self.stats.update_one(
                {"_id": doc_id, "offset": {"$lt": first}},
                {"$inc": inc, "$set": {"offset": last},
                 "$setOnInsert": {"area": area, "level": level, "group": group, "month": month}},
                upsert=True)
            return True
        except DuplicateKeyError:
            return False  # the document exists with offset >= first: (some) already applied

    def totals(self, area: str, group: str, month: str | None = None) -> dict:
        """Counters of an area (any level; province and prefecture sum their counties)."""
        query = self._area_query(area)
        query["group"] = group
        if month:
            query["month"] = month
        return _total(self.stats.find(query, {"_id": 0, "offset": 0}))

    def by_month(self, area: str, group: str) -> dict[str, dict]:
        query = {**self._area_query(area), "group": group}
        return _split(self.stats.find(query, {"_id": 0, "offset": 0, "level": 0, "group": 0}), lambda doc: doc["month"])

    def by_child(self, area: str, group: str, month: str | None = None) -> dict[str, dict]:
        """Counters of each area one level below (drill-down: province › prefecture › county › township › village)."""
        query, bucket = self._child_query(area)
        if query is None:
            return {}
        query["group"] = group
        if month:
            query["month"] = month
        return _split(self.stats.find(query, {"_id": 0, "offset": 0, "level": 0, "group": 0}), bucket)

    def overview(self, area: str, groups, child_groups) -> dict[str, dict]:
        """``totals`` and ``by_month`` of an area for ``groups`` and ``by_child`` for
        ``child_groups``, from two reads instead of one per group and figure (each read of
        the local store costs more than the few hundred counters it returns):
        {"totals"|"months"|"children": {group: …}}."""
        groups, child_groups = list(groups), list(child_groups)
        own: dict = {g: [] for g in groups}
        for doc in self.stats.find({**self._area_query(area), "group": {"$in": groups}}, {"_id": 0, "offset": 0}):
            own[doc["group"]].append(doc)
        children: dict = {g: [] for g in child_groups}
        query, bucket = self._child_query(area)
        if query is not None:
            for doc in self.stats.find({**query, "group": {"$in": child_groups}}, {"_id": 0, "offset": 0, "level": 0}):
                children[doc.pop("group")].append(doc)
        return {"totals": {g: _total(own[g]) for g in groups},
                "months": {g: _split(own[g], lambda doc: doc["month"]) for g in groups},
                "children": {g: _split(children[g], bucket) for g in child_groups}}

    def _child_query(self, area: str):
        """The query and the bucket of the counters one level below ``area`` (None at a village)."""
        level = level_of(area)
        if level == "village":
            return None, None
        if level in ("province", "prefecture"):
            query = {"level": "county", "area": {"$regex": f"^{prefix_of(area)}"}}
            bucket = (lambda doc: doc["area"][:4] + "00") if level == "province" else (lambda doc: doc["area"])
        else:
            child = "township" if level == "county" else "village"
            query = {"level": child, "area": {"$regex": f"^{area}"}}
            bucket = lambda doc: doc["area"]  # noqa: E731
        return query, bucket

    def _area_query(self, area: str) -> dict:
        level = level_of(area)
        if level in COUNTED_LEVELS:
            return {"area": area, "level": level}
        return {"level": "county", "area": {"$regex": f"^{prefix_of(area)}"}}


def _counters(position: str, group: str, month: str, changes: list[tuple[str, dict]]):
    """(document id, (area, level), increments) of the counters one record changes."""
    merged: dict = defaultdict(lambda: defaultdict(int))
    for village_code, inc in changes:
        path = path_of(village_code)
        for level in COUNTED_LEVELS:
            for key, value in inc.items():
                merged[(level, path[level])][key] += value
    for (level, area), inc in merged.items():
        yield f"{area}|{group}|{month}|{position}", (area, level), {k: v for k, v in inc.items() if v}


COUNTER_KEYS = ("area", "level", "group", "month")  # what a counter document says, not what it counts


def _total(docs) -> dict:
    total: dict = defaultdict(int)
    for doc in docs:
        _merge(total, {k: v for k, v in doc.items() if k not in COUNTER_KEYS})
    return _plain(total)


def _split(docs, bucket) -> dict[str, dict]:
    split: dict = defaultdict(lambda: defaultdict(int))
    for doc in docs:
        key = bucket(doc)
        _merge(split[key], {k: v for k, v in doc.items() if k not in COUNTER_KEYS})
    return {k: _plain(v) for k, v in sorted(split.items())}


def _merge(total: dict, doc: dict) -> None:
    for key, value in doc.items():
        if isinstance(value, dict):
            inner = total.setdefault(key, defaultdict(int))
            _merge(inner, value)
        elif isinstance(value, (int, float)):
            total[key] += value


def _plain(value):
    return {k: _plain(v) for k, v in value.items()} if isinstance(value, dict) else value
