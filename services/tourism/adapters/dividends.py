"""Dividend runs: one document per cooperative and period (its _id), carrying one dividend
event per member. Inserting the same run again fails on the _id and returns the first, so a
run repeated — a double click, a retried request — pays once."""
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
from services.tourism.domain import dividends as rules
from services.tourism.domain.ids import dividend_run_id


class DividendRunRepository:
    def __init__(self, db: Database):
        self.runs = db["dividend_runs"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.runs)
        self.runs.create_index([("cooperative_id", ASCENDING)])
        self.runs.create_index([("county_code", ASCENDING), ("month", ASCENDING)])

    def run(self, cooperative: dict, period: str, amount_fen: int, paid_on: date, by: str) -> tuple[dict, bool]:
        """(the run, True if it paid now)."""
        run_id = dividend_run_id(cooperative["_id"], period)
        existing = self.get(run_id)
        if existing is None:
            try:
                lines = rules.run_lines(amount_fen, cooperative["members"])
            except rules.NothingToSplit as exc:
                raise Refused(f"{cooperative['name']}: {exc}", "amount_fen") from None
            names = {m["household_id"]: m.get("head_name", "") for m in cooperative["members"]}
            doc = {"_id": run_id, "cooperative_id": cooperative["_id"], "cooperative_name": cooperative["name"],
                   "county_code": cooperative["county_code"], "period": period, "amount_fen": amount_fen,
                   "paid_on": paid_on.isoformat(), "month": paid_on.isoformat()[:7],
                   "total_shares": sum(line["shares"] for line in lines),
                   "lines": [{**line, "head_name": names.get(line["household_id"], "")} for line in lines],
                   "created_at": records.now(), "created_by": by}
            # One event per member paid: each is income to its own household. A member whose
            # share rounds to nothing receives nothing, and no event says otherwise.
            events = [outbox.event(ev.DIVIDEND_PAID.type, "tourism", line["household_id"], {
                "household_id": line["household_id"], "recorded_by": by, "run_id": run_id,
                "cooperative_id": cooperative["_id"], "cooperative_name": cooperative["name"], "period": period,
                "shares": line["shares"], "total_shares": doc["total_shares"], "run_amount_fen": amount_fen,
                "paid_on": doc["paid_on"], "income_fen": line["dividend_fen"]}) for line in lines if line["dividend_fen"]]
            try:
                records.insert(self.runs, doc, events)
                return self.get(run_id), True
            except DuplicateKeyError:
                existing = self.get(run_id)   # the same run, started at the same moment elsewhere
        if not rules.same_run(existing, amount_fen):
            raise Refused(f"dividends of {cooperative['name']} for {period} were already paid "
                          f"(¥{existing['amount_fen'] / 100:.2f}, run {run_id})", "period")
        return existing, False

    def get(self, run_id: str) -> dict | None:
        return self.runs.find_one({"_id": run_id}, PUBLIC)

    def for_cooperative(self, cooperative_id: str) -> list[dict]:
        return list(self.runs.find({"cooperative_id": cooperative_id}, PUBLIC).sort("paid_on", DESCENDING))
