"""Reading the assistance history (written by the consumer, see events.py)."""
from __future__ import annotations

from pymongo import DESCENDING
from pymongo.database import Database


class History:
    def __init__(self, db: Database):
        self.history = db["history"]

    def timeline(self, household_id: str, limit: int = 500) -> list[dict]:
        return list(self.history.find({"household_id": household_id}).sort("occurred_at", DESCENDING).limit(limit))

    def programme_income_since(self, household_id: str, since_iso: str) -> int:
        """The income (fen) the programs' events recorded for the household since ``since_iso``
        (a refund's is negative). One household's entries: an index range."""
        entries = self.history.find({"household_id": household_id, "occurred_at": {"$gte": since_iso},
                                     "program": {"$ne": "registry"}}, {"income_fen": 1})
        return sum(e.get("income_fen") or 0 for e in entries)

    def until(self, household_id: str, day_end_iso: str, limit: int = 500) -> list[dict]:
        return list(self.history.find({"household_id": household_id, "occurred_at": {"$lte": day_end_iso}})
                    .sort("occurred_at", DESCENDING).limit(limit))

    def audit(self, county: str | None, user: str | None, limit: int) -> list[dict]:
        """Every change people made to files, newest first (registry events carry who and why)."""
        query = {"program": "registry"}
        if county:
            query["household_id"] = {"$regex": f"^H{county}"}
        if user:
            query["recorded_by"] = user
        return list(self.history.find(query).sort("occurred_at", DESCENDING).limit(limit))
