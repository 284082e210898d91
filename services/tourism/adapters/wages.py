"""Wages paid for jobs: one payment per job and month, its _id derived from both, so a
payment sent twice is stored (and its income published) once."""
from __future__ import annotations

from datetime import date

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.types import tourism as ev
from shared.programs.refused import Refused
from shared.programs.records import PUBLIC
from services.tourism.adapters import records
from services.tourism.domain.ids import wage_payment_id


class WageRepository:
    def __init__(self, db: Database):
        self.payments = db["wage_payments"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.payments)
        self.payments.create_index([("job_id", ASCENDING)])
        self.payments.create_index([("county_code", ASCENDING), ("month", ASCENDING)])

    def pay(self, job: dict, month: str, paid_on: date, income_fen: int, by: str) -> tuple[dict, bool]:
        """(the payment, True if it was recorded now). The same month again returns the
        payment already made; a different amount for it is refused."""
        doc = {"_id": wage_payment_id(job["_id"], month), "job_id": job["_id"], "household_id": job["household_id"],
               "county_code": job["county_code"], "member_name": job["member_name"],
               "scenic_area": job["scenic_area"], "month": month, "paid_on": paid_on.isoformat(),
               "income_fen": income_fen, "created_at": records.now(), "created_by": by}
        event = outbox.event(ev.WAGE_PAID.type, "tourism", job["household_id"], {
            "household_id": job["household_id"], "recorded_by": by, "payment_id": doc["_id"],
            **{k: doc[k] for k in ("job_id", "member_name", "scenic_area", "month", "paid_on", "income_fen")}})
        try:
            records.insert(self.payments, doc, [event])
            return self.get(doc["_id"]), True
        except DuplicateKeyError:
            existing = self.get(doc["_id"])
            if existing["income_fen"] != income_fen:
                raise Refused(f"the wage for {month} was already paid "
                              f"(¥{existing['income_fen'] / 100:.2f}, payment {existing['_id']})", "month") from None
            return existing, False

    def get(self, payment_id: str) -> dict | None:
        return self.payments.find_one({"_id": payment_id}, PUBLIC)

    def for_job(self, job_id: str) -> list[dict]:
        return list(self.payments.find({"job_id": job_id}, PUBLIC).sort("month", DESCENDING))
