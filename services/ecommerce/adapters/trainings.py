"""Training sessions in online selling and their attendance. A session's attendance lives in
its document; recording a household's attendance and its event is one atomic write, and
the household is recorded once per session (the write is guarded by ``attendee_ids``)."""
from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.envelope import utcnow_iso
from shared.events.types.ecommerce import TRAINING_ATTENDED, TRAINING_CORRECTED
from shared.programs.records import PUBLIC, scoped
from shared.programs.refused import Refused
from shared.store import WriteConflict
from services.ecommerce.adapters.common import NotFound, contains
from services.ecommerce.domain import records
from services.ecommerce.domain.sales import month_of
from services.ecommerce.domain.training import EDITABLE, attendance_problem, new_session_id


class AttendanceRefused(Refused):
    """The household cannot be recorded as attending this session (409 at ``household_id``);
    the message says why."""

    def __init__(self, message: str):
        super().__init__(message, "household_id", 409)


def _session_data(session: dict) -> dict:
    return {"session_id": session["_id"], "topic": session["topic"], "trainer": session["trainer"],
            "held_on": session["held_on"], "village": session["village"]}


class TrainingRepository:
    def __init__(self, db: Database):
        self.trainings = db["trainings"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.trainings)
        self.trainings.create_index([("county_code", ASCENDING), ("held_on", DESCENDING)])
        self.trainings.create_index([("attendee_ids", ASCENDING)])

    def schedule(self, fields: dict, by: str) -> dict:
        """Record a session (held or planned). It concerns no household until people attend."""
        session = {**fields, "_id": new_session_id(), "held_on": fields["held_on"].isoformat(),
                   "month": month_of(fields["held_on"]), "county_code": fields["village_code"][:6],
                   "attendance": [], "attendee_ids": [], "members_total": 0,
                   "recorded_by": by, "recorded_at": utcnow_iso(), "version": 1}
        session["events"] = [records.local_entry("training.scheduled", {"topic": session["topic"],
                                                                        "held_on": session["held_on"]})]
        self.trainings.insert_one(session)
        return self.get(session["_id"])

    def attend(self, session_id: str, household: dict, members: list[str], by: str) -> dict:
        session = self.current(session_id)
        problem = attendance_problem(session, household["_id"])
        if problem:
            raise AttendanceRefused(problem)
        event = outbox.event(TRAINING_ATTENDED.type, "ecommerce", household["_id"], {
            "household_id": household["_id"], "recorded_by": by, **_session_data(session),
            "members": members, "attendees": len(members)})
        line = {"household_id": household["_id"], "head_name": household.get("head_name", ""),
                "village": household.get("village", ""), "members": members, "recorded_by": by,
                "recorded_at": utcnow_iso()}
        result = outbox.update(self.trainings, {"_id": session_id, "attendee_ids": {"$ne": household["_id"]}},
                               {"$push": {"attendance": line, "attendee_ids": household["_id"],
                                          "events": records.entry([event])},
                                "$inc": {"version": 1, "members_total": len(members)}}, event)
        if not result.matched_count:
            raise AttendanceRefused(f"the attendance of household {household['_id']} is already recorded "
                                    "for this session")
        return self.get(session_id)

    def update(self, session_id: str, fields: dict, by: str, version: int | None = None) -> dict:
        """Correct a session; households that attended hear of it (their timeline shows it)."""
        session = self.current(session_id)
        if version is not None and version != session.get("version"):
            raise WriteConflict(f"training session {session_id} changed meanwhile; reload and try again")
        changed = records.changed_fields(session, fields, EDITABLE)
        if not changed:
            return session
        after = {**session, **changed}
        names = sorted(changed)
        sets = {**changed, "month": month_of(after["held_on"]), "county_code": after["village_code"][:6],
                "updated_at": utcnow_iso(), "updated_by": by}
        if sets["county_code"] != session["county_code"] and session.get("attendee_ids"):
            raise WriteConflict("households of this county attended: the session cannot move to another county")
        events = [outbox.event(TRAINING_CORRECTED.type, "ecommerce", h, {
            "household_id": h, "recorded_by": by, **_session_data(after), "changed": names})
            for h in session.get("attendee_ids", [])]
        entry = records.entry(events) if events else records.local_entry("training.updated", {"changed": names})
        result = outbox.update(self.trainings, {"_id": session_id, "version": session.get("version")},
                               {"$set": sets, "$inc": {"version": 1}, "$push": {"events": entry}}, *events)
        if not result.matched_count:
            raise WriteConflict(f"training session {session_id} changed meanwhile; reload and try again")
        return self.get(session_id)

    def current(self, session_id: str) -> dict:
        session = self.get(session_id)
        if session is None:
            raise NotFound(f"no training session {session_id}")
        return session

    def get(self, session_id: str) -> dict | None:
        return self.trainings.find_one({"_id": session_id}, PUBLIC)

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, county_code=filters.get("county"))
        if filters.get("village_code"):
            query["village_code"] = filters["village_code"]
        if filters.get("household_id"):
            query["attendee_ids"] = filters["household_id"]
        if filters.get("held_from") or filters.get("held_to"):
            query["held_on"] = {**({"$gte": filters["held_from"].isoformat()} if filters.get("held_from") else {}),
                                **({"$lte": filters["held_to"].isoformat()} if filters.get("held_to") else {})}
        if filters.get("q"):
            query["$or"] = [{"topic": contains(filters["q"])}, {"trainer": contains(filters["q"])}]
        projection = {"events": 0, "attendance": 0, **PUBLIC}
        cursor = self.trainings.find(query, projection).sort("held_on", DESCENDING).skip(skip).limit(limit)
        return list(cursor), self.trainings.count_documents(query)
