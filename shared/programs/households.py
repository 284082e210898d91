"""The program's local read model of household files, fed by the registry's compacted
households topic: a program validates household ids and shows names and villages from it,
and keeps working while the registry is down."""
from __future__ import annotations

import re

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.events.types.common import PROGRAM_NAMES
from shared.programs.refused import Refused
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


# One rule for every program (issue 17; the services used to disagree): a request naming a
# household that is not in the registry's files is bad input, like an unknown code (422); a
# known household that is not enrolled, or cannot be, conflicts with what is stored (409).
UNKNOWN_HOUSEHOLD_STATUS = 422
NOT_ENROLLED_STATUS = 409


def unknown_household(household_id: str, field: str = "household_id") -> Refused:
    return Refused(f"unknown household {household_id} (not in the registry's files known here)", field,
                   UNKNOWN_HOUSEHOLD_STATUS)


def enrolment_problem(household: dict | None, household_id: str) -> str | None:
    """Why this household cannot be enrolled (None: it can)."""
    if household is None:
        return unknown_household(household_id).message
    if household["status"] in NOT_ENROLLABLE:
        return f"household {household_id} is {household['status']}; it cannot be enrolled"
    return None


class HouseholdGuard:
    """The check every program record makes on the household it names: known here from the
    registry's files, and enrolled in the program. One per program service, built with its
    read model and enrolments; ``program_title`` ends the refusal ("… is not enrolled in
    e-commerce")."""

    def __init__(self, view: HouseholdView, enrolments, program_title: str):
        self.view = view
        self.enrolments = enrolments
        self.program_title = program_title

    @classmethod
    def of_program(cls, program: str, view: HouseholdView, enrolments) -> "HouseholdGuard":
        """The guard of ``program``, its refusals naming it as its enrolment events do."""
        return cls(view, enrolments, PROGRAM_NAMES[program][0])

    def refusal(self, household_id: str, field: str = "household_id") -> Refused | None:
        """Why a record cannot name this household (None: it can)."""
        return self._checked(household_id, field)[1]

    def require_enrolled(self, household_id: str, field: str = "household_id") -> dict:
        """The household's file as known here; Refused when unknown or not enrolled."""
        household, refusal = self._checked(household_id, field)
        if refusal:
            raise refusal
        return household

    def require_enrolled_recently(self, household_id: str, field: str = "household_id") -> dict:
        """``require_enrolled`` without a read, usually, for a program's busiest write: an
        enrolment and a file found are taken as read at most a few seconds ago in this process
        (an enrolment ended elsewhere stops new records within ``ENROLLED_TTL_S``; one ended
        here, at once). A household is enrolled only once its file is in the read model, which
        never drops a file. A refusal is always decided on what the store says now."""
        if self.enrolments.recently_enrolled(household_id):
            household = self.view.recent(household_id)
            if household is not None:
                return household
        return self.require_enrolled(household_id, field)

    def _checked(self, household_id: str, field: str) -> tuple[dict | None, Refused | None]:
        household = self.view.get(household_id)
        if household is None:
            return None, unknown_household(household_id, field)
        if not self.enrolments.is_enrolled(household_id):
            return household, Refused(f"household {household_id} is not enrolled in {self.program_title}", field,
                                      NOT_ENROLLED_STATUS)
        return household, None
