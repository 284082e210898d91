"""Return-to-poverty warnings, one document each (``warnings``), keyed by the event that raised
it: the consumer appends them (a second copy of the event finds its warning there), and the
file that people edit no longer grows with them.

The web side then writes a warning's life (domain/warning_life.py) onto the same document:
``status``, ``assigned_to``, ``measures``, the closing reason and the ``steps`` taken (who,
when, note). Each step is one guarded update: it applies only if the warning is still in
the state the step was decided on (its ``rev``, absent until the first step), so two people
acting at once cannot both move it."""
from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from shared.events.envelope import utcnow_iso
from shared.store import WriteConflict, find_in, insert_new
from services.registry.domain.warning_life import Move

COLLECTION = "warnings"
SHOWN = {"_id": 0, "risk": 1, "event_id": 1, "title_en": 1, "title_zh": 1, "raised_at": 1, "open": 1,
         "status": 1, "assigned_to": 1, "measures": 1, "closed_reason": 1, "steps": 1}
SCOPE_FIELDS = ("county_code", "village_code")


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
        query = {"open": True, **_scoped(scope)}
        ids: list[str] = []
        for doc in self.warnings.find(query, {"household_id": 1}).sort("raised_at", ASCENDING):
            if doc["household_id"] not in ids:
                ids.append(doc["household_id"])
                if len(ids) >= limit:
                    break
        return ids

    # --- a warning's life (the web side) ---------------------------------------------
    def get(self, warning_id: str) -> dict | None:
        return self.warnings.find_one({"_id": warning_id})

    def count_open_before(self, scope: dict, raised_before: str) -> int:
        """Open warnings in ``scope`` raised before ``raised_before`` (past their deadline)."""
        query = {"open": True, "raised_at": {"$lt": raised_before}, **_scoped(scope)}
        return self.warnings.count_documents(query)

    def record(self, warning: dict, move: Move, by: str, note: str, changes: dict | None = None,
               measures: list[str] | None = None) -> dict:
        """Write one step onto ``warning`` (as read), if nobody moved it meanwhile."""
        rev = warning.get("rev", 0)
        guard = {"_id": warning["_id"], "rev": rev} if rev else {"_id": warning["_id"], "rev": {"$exists": False}}
        entry = {"step": move.step, "by": by, "at": utcnow_iso(), "note": note, **(changes or {})}
        if measures:
            entry["measures"] = measures
        update = {"$set": {"status": move.to_state, "open": move.still_open, "rev": rev + 1,
                           "updated_at": entry["at"], "updated_by": by, **(changes or {})},
                  "$push": {"steps": entry}}
        if measures:
            update["$addToSet"] = {"measures": {"$each": measures}}
        if self.warnings.update_one(guard, update).matched_count == 0:
            raise WriteConflict(f"warning {warning['_id']} changed meanwhile; reload and try again")
        return self.get(warning["_id"])

    def newest(self, scope: dict, limit: int = 500) -> list[dict]:
        """Warnings in ``scope``, open ones first, newest first within each."""
        return list(self.warnings.find(_scoped(scope)).sort([("open", DESCENDING), ("raised_at", DESCENDING)])
                    .limit(limit))


def _scoped(scope: dict) -> dict:
    return {k: v for k, v in scope.items() if k in SCOPE_FIELDS}
