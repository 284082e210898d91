"""Jobs in scenic areas held by household members: started, edited, ended."""
from __future__ import annotations

from datetime import date

from pymongo import ASCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.types import tourism as ev
from shared.programs.refused import Refused
from shared.programs.records import PUBLIC, scoped
from services.tourism.adapters import records
from services.tourism.domain.ids import new_job_id

ACTIVE, ENDED = "active", "ended"
EDITABLE = ("member_name", "scenic_area", "position", "monthly_wage_fen")


class JobRepository:
    def __init__(self, db: Database):
        self.jobs = db["jobs"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.jobs)
        self.jobs.create_index([("household_id", ASCENDING)])
        self.jobs.create_index([("county_code", ASCENDING)])

    @staticmethod
    def _data(doc: dict, by: str) -> dict:
        return {"household_id": doc["household_id"], "recorded_by": by, "job_id": doc["_id"],
                **{k: doc[k] for k in EDITABLE}, "started_on": doc["started_on"]}

    def start(self, fields: dict, household: dict, by: str) -> dict:
        doc = {"_id": new_job_id(), "household_id": fields["household_id"], "county_code": household["county_code"],
               "village": household.get("village", ""), "head_name": household.get("head_name", ""),
               **{k: fields[k] for k in EDITABLE}, "started_on": fields["started_on"].isoformat(),
               "ended_on": None, "status": ACTIVE, "version": 1, "created_at": records.now(), "created_by": by}
        event = outbox.event(ev.JOB_STARTED.type, "tourism", doc["household_id"], self._data(doc, by))
        records.insert(self.jobs, doc, [event])
        return self.get(doc["_id"])

    def edit(self, job: dict, fields: dict, by: str) -> dict:
        changed = {k: fields[k] for k in EDITABLE if k in fields}
        event = outbox.event(ev.JOB_UPDATED.type, "tourism", job["household_id"], self._data({**job, **changed}, by))
        records.versioned_update(self.jobs, job, changed, by, [event])
        return self.get(job["_id"])

    def end(self, job: dict, ended_on: date, reason: str, by: str) -> dict:
        if job["status"] != ACTIVE:
            raise Refused(f"job {job['_id']} has already ended", "status")
        event = outbox.event(ev.JOB_ENDED.type, "tourism", job["household_id"], {
            "household_id": job["household_id"], "recorded_by": by, "job_id": job["_id"],
            "member_name": job["member_name"], "scenic_area": job["scenic_area"],
            "ended_on": ended_on.isoformat(), "reason": reason})
        done = records.update(self.jobs, {"_id": job["_id"], "status": ACTIVE}, {
            "$set": {"status": ENDED, "ended_on": ended_on.isoformat(), "end_reason": reason,
                     "updated_at": records.now(), "updated_by": by}, "$inc": {"version": 1}}, [event])
        if not done:
            raise Refused(f"job {job['_id']} has already ended", "status")
        return self.get(job["_id"])

    def get(self, job_id: str) -> dict | None:
        return self.jobs.find_one({"_id": job_id}, PUBLIC)

    def list(self, scope: dict, q: str | None = None, status: str | None = None, county_code: str | None = None,
             household_id: str | None = None, skip: int = 0, limit: int = 50) -> tuple[list[dict], int]:
        query = scoped(scope, status=status, county_code=county_code, household_id=household_id)
        query.update(records.search(q, "member_name", "scenic_area", "position", "household_id", "_id"))
        return records.page(self.jobs, query, skip, limit)
