"""Return-to-poverty warnings, one document each (``warnings``), keyed by the event that raised
it: the consumer appends them (a second copy of the event finds its warning there), and the
file that people edit no longer grows with them."""
from __future__ import annotations

from pymongo import ASCENDING
from pymongo.database import Database

from shared.store import find_in, insert_new

COLLECTION = "warnings"
SHOWN = {"_id": 0, "risk": 1, "event_id": 1, "title_en": 1, "title_zh": 1, "raised_at": 1, "open": 1}


class Warnings:
    def __init__(self, db: Database):
        self.warnings = db[COLLECTION]

    def ensure_indexes(self) -> None:
        self.warnings.create_index([("household_id", ASCENDING), ("raised_at", ASCENDING)])
        self.warnings.create_index([("open", ASCENDING), ("county_code", ASCENDING)])

    def add_many(self, warnings: list[dict]) -> None:
        insert_new(self.warnings, warnings)

    def of(self, household_ids) -> dict[str, list[dict]]:
        """{household id: its warnings, oldest first}."""
        found: dict[str, list[dict]] = {}
        # A household's warnings are all in one chunk, so sorting each chunk orders them.
        for doc in find_in(self.warnings, "household_id", household_ids, {**SHOWN, "household_id": 1},
                           [("raised_at", ASCENDING)]):
            found.setdefault(doc.pop("household_id"), []).append(doc)
        return found

    def attach(self, households: list[dict]) -> list[dict]:
        found = self.of(h["_id"] for h in households)
        for household in households:
            household["warnings"] = found.get(household["_id"], [])
        return households

    def open_households(self, scope: dict, limit: int) -> list[str]:
        """Ids of households with an open warning, in a scope of county (or village) codes."""
        query = {"open": True, **{k: v for k, v in scope.items() if k in ("county_code", "village_code")}}
        ids: list[str] = []
        for doc in self.warnings.find(query, {"household_id": 1}).sort("raised_at", ASCENDING):
            if doc["household_id"] not in ids:
                ids.append(doc["household_id"])
                if len(ids) >= limit:
                    break
        return ids
