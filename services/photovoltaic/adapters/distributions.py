"""Distributions: one document per station and month (deterministic id) holding every
household's payment and its event. Inserting it is the whole run: a repeated run hits the
same id and gets the first back, publishing nothing."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.types import photovoltaic as ev
from shared.programs.records import only, PUBLIC, scoped
from services.photovoltaic.adapters.common import fan_out
from services.photovoltaic.domain.distribution import DIVIDENDS, Plan, distribution_id


class DistributionRepository:
    def __init__(self, db: Database):
        self.distributions = db["distributions"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.distributions)
        self.distributions.create_index([("month", DESCENDING), ("county_code", ASCENDING)])
        self.distributions.create_index([("installation_id", ASCENDING), ("month", DESCENDING)])

    def get(self, did: str) -> dict | None:
        return self.distributions.find_one({"_id": did}, PUBLIC)

    def exists(self, station_id: str, month: str) -> bool:
        return self.distributions.find_one({"_id": distribution_id(station_id, month)}, {"_id": 1}) is not None

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, **only(filters, "installation_id", "month", "mode", "county_code"),
                       household_ids=filters.get("household_id"))
        cursor = self.distributions.find(query, {**PUBLIC, "events": 0}).sort([("month", DESCENDING), ("run_at", DESCENDING)])
        return list(cursor.skip(skip).limit(limit)), self.distributions.count_documents(query)

    def insert(self, station: dict, month: str, plan: Plan, by: str) -> tuple[dict, bool]:
        """(the distribution, True) when this run made it; (the first one, False) if it existed."""
        did = distribution_id(station["_id"], month)
        about = {"installation_id": station["_id"], "installation_name": station["name"], "kind": station["kind"],
                 "recorded_by": by, "distribution_id": did, "month": month}
        events, history = [], []
        for allocation in plan.allocations:
            if plan.mode == DIVIDENDS:
                data = {**about, "amount_fen": allocation["amount_fen"], "shares": allocation["shares"],
                        "total_shares": allocation["total_shares"], "station_revenue_fen": plan.revenue_fen}
                one, entry = fan_out(ev.DIVIDEND_PAID, data, [allocation["household_id"]])
            else:
                data = {**about, "amount_fen": allocation["amount_fen"], "post_id": allocation["post_id"],
                        "post": allocation["post"], "member_name": allocation["member_name"]}
                one, entry = fan_out(ev.WAGE_PAID, data, [allocation["household_id"]])
            events += one
            history.append(entry)
        doc = {"_id": did, "installation_id": station["_id"], "installation_name": station["name"],
               "county_code": station["county_code"], "village_code": station["village_code"], "month": month,
               "mode": plan.mode, "revenue_fen": plan.revenue_fen, "reserve_fen": plan.reserve_fen,
               "pool_fen": plan.pool_fen, "distributed_fen": plan.distributed_fen, "retained_fen": plan.retained_fen,
               "allocations": plan.allocations, "household_ids": sorted({a["household_id"] for a in plan.allocations}),
               "run_by": by, "run_at": datetime.now(timezone.utc), "events": history}
        try:
            outbox.insert(self.distributions, doc, *events)
        except DuplicateKeyError:
            return self.get(did), False
        return self.get(did), True
