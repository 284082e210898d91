"""Objections lodged on a public notice page (``objections``), and the per-address brake on
lodging them (``objection_counts``: one counter per client address and hour, in the store,
so every worker of every process counts together)."""
from __future__ import annotations

import uuid

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.database import Database

from shared.events.envelope import utcnow_iso

SHOWN = {"household_id": 1, "name": 1, "contact": 1, "text": 1, "lodged_at": 1, "notice_until": 1}


class Objections:
    def __init__(self, db: Database):
        self.objections = db["objections"]
        self.counts = db["objection_counts"]

    def ensure_indexes(self) -> None:
        self.objections.create_index([("household_id", ASCENDING), ("lodged_at", DESCENDING)])

    def lodge(self, household: dict, name: str, contact: str, text: str, address: str) -> dict:
        doc = {"_id": str(uuid.uuid4()), "household_id": household["_id"], "county_code": household["county_code"],
               "village_code": household["village_code"], "name": name, "contact": contact, "text": text,
               "notice_until": (household.get("exit") or {}).get("notice_until"), "address": address,
               "lodged_at": utcnow_iso()}
        self.objections.insert_one(doc)
        return doc

    def of(self, household_id: str, limit: int = 100) -> list[dict]:
        return list(self.objections.find({"household_id": household_id}, SHOWN)
                    .sort("lodged_at", DESCENDING).limit(limit))

    def count(self, address: str, hour: str) -> int:
        """Count one more lodging from ``address`` in ``hour`` (e.g. "2026-12-07T23"); the new count."""
        doc = self.counts.find_one_and_update({"_id": f"{address}|{hour}"}, {"$inc": {"n": 1}},
                                              upsert=True, return_document=ReturnDocument.AFTER)
        return doc["n"]
