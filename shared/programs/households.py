"""The program's local read model of household files, fed by the registry's compacted
households topic: a program validates household ids and shows names and villages from it,
and keeps working while the registry is down."""
from __future__ import annotations

import re

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.web.cache import TtlCache

# Enrolment is refused only for a file removed as wrongly identified: households that exited
# stay eligible for follow-up support (摘帽不摘政策). A setting per program may narrow it.
NOT_ENROLLABLE = ("removed",)
# How old a file ``recent`` may give: the read model already follows the registry a relay and
# a consumer behind, and a file once here is never removed, so this only delays a new name.
RECENT_TTL_S = 5.0


class HouseholdView:
    def __init__(self, db: Database):
        self.households = db["households"]
        self._recent = TtlCache(RECENT_TTL_S)

    def ensure_indexes(self) -> None:
        self.households.create_index([("county_code", ASCENDING)])

    def apply_snapshot(self, data: dict) -> None:
        """Keep the newest version only (the topic may deliver an older one again)."""
        doc = {k: v for k, v in data.items() if k != "household_id"}
        try:
            self.households.update_one({"_id": data["household_id"], "version": {"$lt": data["version"]}},
                                       {"$set": doc}, upsert=True)
        except DuplicateKeyError:
            pass  # already at this version or newer

    def get(self, household_id: str) -> dict | None:
        return self.households.find_one({"_id": household_id})

    def recent(self, household_id: str) -> dict | None:
        """The file as read at most RECENT_TTL_S ago in this process (an unknown id: read now).
        For what a record copies for display (name, village), not for decisions on status."""
        return self._recent.get(household_id, lambda: self.get(household_id))

    def search(self, scope: dict, q: str | None, limit: int = 20) -> list[dict]:
        query = dict(scope)
        if q:
            query["$or"] = [{"_id": {"$regex": "^" + re.escape(q)}}, {"head_name": {"$regex": "^" + re.escape(q)}}]
        return list(self.households.find(query).sort("_id", ASCENDING).limit(limit))


def enrolment_problem(household: dict | None, household_id: str) -> str | None:
    """Why this household cannot be enrolled (None: it can)."""
    if household is None:
        return f"unknown household {household_id} (not in the registry's files known here)"
    if household["status"] in NOT_ENROLLABLE:
        return f"household {household_id} is {household['status']}; it cannot be enrolled"
    return None
