"""The monthly report by county: generation and revenue from the reports, money paid out
from the distributions.

Summed here from a projection of the period's documents rather than with ``$group``: the
local store (FerretDB 1.24) computes only the first accumulator of a ``$group`` stage (the
others come back 0), and it scans the collection for either, so one read is the cheapest."""
from __future__ import annotations

from pymongo.database import Database

from shared.programs.records import scoped

REPORT_FIELDS = {"_id": 0, "month": 1, "county_code": 1, "kwh": 1, "revenue_fen": 1, "income_fen": 1}
DISTRIBUTION_FIELDS = {"_id": 0, "month": 1, "county_code": 1, "mode": 1, "distributed_fen": 1}


class MonthlyReport:
    def __init__(self, db: Database):
        self.reports = db["reports"]
        self.distributions = db["distributions"]

    def rows(self, scope: dict, start: str, end: str, county: str | None = None) -> list[dict]:
        """One row per month and county: reports, kWh, revenue, rooftop income, dividends,
        wages, distributed (dividends + wages), income to households (distributed + rooftop)."""
        match = scoped(scope, {"month": {"$gte": start, "$lte": end}})
        if county and not scope.get("county_code"):
            match["county_code"] = county
        rows: dict[tuple, dict] = {}

        def row(doc) -> dict:
            return rows.setdefault((doc["month"], doc["county_code"]), {
                "month": doc["month"], "county_code": doc["county_code"], "reports": 0, "kwh": 0, "revenue_fen": 0,
                "rooftop_income_fen": 0, "dividends_fen": 0, "wages_fen": 0})

        for doc in self.reports.find(match, REPORT_FIELDS):
            r = row(doc)
            r["reports"] += 1
            r["kwh"] += doc["kwh"]
            r["revenue_fen"] += doc["revenue_fen"]
            r["rooftop_income_fen"] += doc["income_fen"]
        for doc in self.distributions.find(match, DISTRIBUTION_FIELDS):
            row(doc)["dividends_fen" if doc["mode"] == "dividends" else "wages_fen"] += doc["distributed_fen"]
        out = sorted(rows.values(), key=lambda r: (r["month"], r["county_code"]))
        for r in out:
            r["distributed_fen"] = r["dividends_fen"] + r["wages_fen"]
            r["income_to_households_fen"] = r["distributed_fen"] + r["rooftop_income_fen"]
        return out
