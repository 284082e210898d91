"""Enrolment of a household in a program, and its end with a reason: one document per
household (its _id), with every period kept. Each change publishes the program's
enrolment event through the outbox."""
from __future__ import annotations

from datetime import date

from pymongo import DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.envelope import utcnow_iso
from shared.programs.households import enrolment_problem
from shared.web.cache import TtlCache

ENROLLED, EXITED = "enrolled", "exited"
# How long a process may go on taking a household for enrolled (``recently_enrolled``) after
# another process ended its enrolment: the bound within which an end stops new records.
ENROLLED_TTL_S = 3.0


class EnrolmentRefused(ValueError):
    """The household cannot be enrolled or leave now; the message says why."""


class Enrolments:
    def __init__(self, db: Database, program: str):
        self.enrolments = db["enrolments"]
        self.program = program
        self._enrolled = TtlCache(ENROLLED_TTL_S)

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.enrolments)

    def _event(self, suffix: str, household_id: str, data: dict) -> dict:
        return outbox.event(f"cn.jingzhun.{self.program}.enrolment.{suffix}.v1", self.program, household_id,
                            {"household_id": household_id, **data})

    def enrol(self, household: dict | None, household_id: str, enrolled_on: date, note: str, by: str) -> dict:
        problem = enrolment_problem(household, household_id)
        if problem:
            raise EnrolmentRefused(problem)
        existing = self.enrolments.find_one({"_id": household_id})
        period = len(existing["periods"]) + 1 if existing else 1
        enrolment_id = f"{self.program}:{household_id}:{period}"
        fields = {"status": ENROLLED, "enrolment_id": enrolment_id, "enrolled_on": enrolled_on.isoformat(),
                  "note": note, "updated_at": utcnow_iso(), "updated_by": by}
        event = self._event("started", household_id, {"recorded_by": by, "enrolment_id": enrolment_id,
                                                       "enrolled_on": enrolled_on.isoformat(), "note": note})
        snapshot = {"head_name": household["head_name"], "village": household["village"],
                    "county_code": household["county_code"]}
        if existing is None:
            try:
                outbox.insert(self.enrolments, {"_id": household_id, **snapshot, **fields,
                                                "periods": [{"enrolment_id": enrolment_id, "from": fields["enrolled_on"]}]},
                              event)
                return self.get(household_id)
            except DuplicateKeyError:
                existing = self.enrolments.find_one({"_id": household_id})
        if existing["status"] == ENROLLED:
            raise EnrolmentRefused(f"household {household_id} is already enrolled")
        result = outbox.update(self.enrolments, {"_id": household_id, "status": EXITED,
                                                 "enrolment_id": existing["enrolment_id"]},
                               {"$set": {**snapshot, **fields},
                                "$push": {"periods": {"enrolment_id": enrolment_id, "from": fields["enrolled_on"]}}},
                               event)
        if not result.matched_count:
            raise EnrolmentRefused("the enrolment changed meanwhile; reload and try again")
        return self.get(household_id)

    def end(self, household_id: str, ended_on: date, reason: str, by: str) -> dict:
        self._enrolled.forget(household_id)
        existing = self.enrolments.find_one({"_id": household_id})
        if existing is None or existing["status"] != ENROLLED:
            raise EnrolmentRefused(f"household {household_id} is not enrolled")
        event = self._event("ended", household_id, {"recorded_by": by, "enrolment_id": existing["enrolment_id"],
                                                     "ended_on": ended_on.isoformat(), "reason": reason})
        result = outbox.update(self.enrolments, {"_id": household_id, "status": ENROLLED,
                                                 "enrolment_id": existing["enrolment_id"]},
                               {"$set": {"status": EXITED, "ended_on": ended_on.isoformat(), "end_reason": reason,
                                         "updated_at": utcnow_iso(), "updated_by": by}}, event)
        if not result.matched_count:
            raise EnrolmentRefused("the enrolment changed meanwhile; reload and try again")
        return self.get(household_id)

    def get(self, household_id: str) -> dict | None:
        return self.enrolments.find_one({"_id": household_id}, {"outbox": 0, "outbox_pending": 0, "outbox_rev": 0})

    def is_enrolled(self, household_id: str) -> bool:
        doc = self.enrolments.find_one({"_id": household_id}, {"status": 1})
        return bool(doc and doc["status"] == ENROLLED)

    def recently_enrolled(self, household_id: str) -> bool:
        """Enrolled as read at most ENROLLED_TTL_S ago in this process (an end made here is
        seen at once). For a record's check, which was never atomic with its write anyway."""
        return bool(self._enrolled.get(household_id, lambda: self.is_enrolled(household_id) or None))

    def list(self, scope: dict, status: str | None, skip: int, limit: int) -> tuple[list[dict], int]:
        query = dict(scope)
        if status:
            query["status"] = status
        cursor = self.enrolments.find(query, {"outbox": 0, "outbox_pending": 0, "outbox_rev": 0}) \
            .sort("updated_at", DESCENDING).skip(skip).limit(limit)
        return list(cursor), self.enrolments.count_documents(query)
