"""Loans: one document per loan holding its state, schedule, repayments, its own history and
the events to publish, so every step is one atomic write. While a loan is open it holds
``open_key`` = the household id under a unique index: a household has one open loan at most.
Every change is a compare-and-set on ``rev``: two operators (or an operator and a bank's
report) acting at once cannot both apply to the same version."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.programs.refused import Refused
from shared.programs.records import prefix, PUBLIC, scoped
from services.microcredit.domain.states import LENT


def new_loan_id() -> str:
    return "L" + uuid.uuid4().hex[:10].upper()


class Stale(Refused):
    def __init__(self):
        super().__init__("The loan changed meanwhile; reload and try again.", "rev", 409)


class LoanRepository:
    def __init__(self, db: Database):
        self.loans = db["loans"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.loans)
        self.loans.create_index("open_key", unique=True, sparse=True)
        self.loans.create_index([("status", ASCENDING), ("county_code", ASCENDING)])
        self.loans.create_index([("household_id", ASCENDING), ("applied_on", DESCENDING)])

    def get(self, loan_id: str) -> dict | None:
        return self.loans.find_one({"_id": loan_id}, PUBLIC)

    def require(self, loan_id: str) -> dict:
        doc = self.get(loan_id)
        if doc is None:
            raise Refused(f"no loan {loan_id}", "loan_id", 404)
        return doc

    def open_for(self, household_id: str) -> dict | None:
        return self.loans.find_one({"open_key": household_id}, {"_id": 1, "status": 1})

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, {}, county_code=filters.get("county_code"))
        for name in ("status", "household_id", "method"):
            if filters.get(name):
                query[name] = filters[name]
        if filters.get("q"):
            q = filters["q"]
            query["$or"] = [{"_id": prefix(q)}, {"household_id": prefix(q)}, {"head_name": prefix(q)}]
        cursor = self.loans.find(query, {**PUBLIC, "events": 0, "schedule": 0, "repayments": 0})
        return list(cursor.sort("applied_on", DESCENDING).skip(skip).limit(limit)), self.loans.count_documents(query)

    def lent(self) -> list[dict]:
        """Every loan that owes money (for the daily overdue check)."""
        return list(self.loans.find({"status": {"$in": list(LENT)}}, PUBLIC))

    def for_report(self, scope: dict, county_code: str | None) -> list[dict]:
        query = scoped(scope, {"disbursed_on": {"$exists": True}}, county_code=county_code)
        return list(self.loans.find(query, {"county_code": 1, "principal_fen": 1, "disbursed_on": 1, "status": 1,
                                            "schedule": 1, "repayments": 1, "written_off_on": 1,
                                            "written_off_fen": 1}))

    def create(self, doc: dict, event: dict, history: dict) -> dict:
        doc = {**doc, "open_key": doc["household_id"], "rev": 1, "events": [history], "repayments": [],
               "schedule": [], "created_at": datetime.now(timezone.utc)}
        try:
            outbox.insert(self.loans, doc, event)
        except DuplicateKeyError:
            current = self.open_for(doc["household_id"]) or {}
            raise Refused(f"household {doc['household_id']} already has an open loan {current.get('_id', '?')} "
                          f"({current.get('status', '?')})", "household_id") from None
        return self.get(doc["_id"])

    def save(self, loan: dict, sets: dict, events: list[tuple[dict, dict]] = (), close: bool = False,
             histories: list[dict] = ()) -> dict:
        """Apply ``sets`` and queue ``events`` [(event, history entry)] if the loan is still
        at the version read; ``close`` frees the household for a new loan."""
        change = {"$set": sets, "$inc": {"rev": 1}}
        entries = [h for _, h in events] + list(histories)
        if entries:
            change["$push"] = {"events": {"$each": entries}}
        if close:
            change["$unset"] = {"open_key": ""}
        result = outbox.update(self.loans, {"_id": loan["_id"], "rev": loan["rev"]}, change, *[e for e, _ in events])
        if not result.matched_count:
            raise Stale()
        return self.get(loan["_id"])
