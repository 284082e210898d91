"""The poor villages' files (贫困村) in the store, one document each keyed by the village's
official code; every change queues its event (on the villages topic) in the same write."""
from __future__ import annotations

import re

from pymongo import ASCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.envelope import utcnow_iso
from shared.events.types.registry import VILLAGE_CHANGED, VILLAGE_DESIGNATED
from services.registry.adapters.versioned import HIDDEN, file_of, guarded_update, new_document


def _event(type_name: str, doc: dict, by: str, change: str, reason: str, from_status: str | None = None) -> dict:
    return outbox.event(type_name, "registry", doc["_id"], {
        "village_code": doc["_id"], "recorded_by": by, "version": doc["version"], "file": file_of(doc),
        "change": change, "from_status": from_status, "to_status": doc["status"], "reason": reason})


def _query(scope: dict, prefix: str, statuses) -> dict:
    query = dict(scope)
    if prefix:
        query["_id"] = {"$regex": "^" + re.escape(prefix)}
    if statuses:
        query["status"] = {"$in": list(statuses)}
    return query


class VillageFiles:
    def __init__(self, db: Database):
        self.villages = db["villages"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.villages)
        self.villages.create_index([("county_code", ASCENDING), ("_id", ASCENDING)])

    def get(self, village_code: str) -> dict | None:
        return self.villages.find_one({"_id": village_code}, HIDDEN)

    def list(self, scope: dict, prefix: str = "", statuses=None, skip: int = 0, limit: int = 500) -> tuple[list[dict], int]:
        """The files in ``scope`` (a person's county filter) whose code starts with ``prefix``, in code order."""
        query = _query(scope, prefix, statuses)
        total = self.villages.count_documents(query)
        return list(self.villages.find(query, HIDDEN).sort("_id", ASCENDING).skip(skip).limit(limit)), total

    def poor(self, scope: dict, prefix: str, statuses) -> list[dict]:
        """Every file as ``list`` finds it, with its code, name and status only (coverage
        counts them all: a province's thousands)."""
        return list(self.villages.find(_query(scope, prefix, statuses), {"name": 1, "status": 1}).sort("_id", ASCENDING))

    def create(self, village_code: str, name: str, designation: dict, by: str, reason: str) -> dict:
        """A new file (status identified); DuplicateKeyError when the village has one."""
        doc = new_document({"_id": village_code, "county_code": village_code[:6], "name": name,
                            "status": "identified", "designation": designation,
                            "collective_income": {str(designation["year"]): designation["collective_income_fen"]},
                            "changes": []}, by)
        outbox.insert(self.villages, doc, _event(VILLAGE_DESIGNATED.type, doc, by, "designated", reason))
        return file_of(doc)

    def change_status(self, doc: dict, to_status: str, by: str, reason: str) -> dict:
        change = {"from": doc["status"], "to": to_status, "by": by, "at": utcnow_iso(), "reason": reason}
        return guarded_update(self.villages, doc, {"status": to_status, "changes": doc["changes"] + [change]}, by,
                              lambda after: _event(VILLAGE_CHANGED.type, after, by, "status", reason, doc["status"]))

    def record_income(self, doc: dict, year: int, income_fen: int, by: str, reason: str) -> dict:
        """The village collective's income of ``year`` (fen), set or corrected."""
        income = {**doc["collective_income"], str(year): income_fen}
        return guarded_update(self.villages, doc, {"collective_income": income}, by,
                              lambda after: _event(VILLAGE_CHANGED.type, after, by, "collective_income", reason,
                                                   doc["status"]))
