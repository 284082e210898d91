"""Sums for the monthly report, by month and county, read from the records.

One aggregation per figure, each with a single accumulator: the local store (FerretDB 1.24)
computes only the first accumulator of a $group correctly (the others come back 0), and a
$group with one $sum works the same on MongoDB."""
from __future__ import annotations

from pymongo.database import Database

from shared.programs.records import scoped

# figure → (collection, extra filter, summed field or 1 to count)
FIGURES = {
    "bookings": ("bookings", {"status": "booked"}, 1),
    "nights": ("bookings", {"status": "booked"}, "$nights"),
    "booking_income_fen": ("bookings", {"status": "booked"}, "$income_fen"),
    "wage_income_fen": ("wage_payments", {}, "$income_fen"),
    "dividend_income_fen": ("dividend_runs", {}, "$amount_fen"),
}


class ReportReader:
    def __init__(self, db: Database):
        self.db = db

    def sums(self, scope: dict, first: str, last: str, county_code: str | None = None) -> dict:
        """{figure: {(month, county): value}}."""
        out = {}
        for figure, (collection, extra, summed) in FIGURES.items():
            match = {**scoped(scope, county_code=county_code), **extra, "month": {"$gte": first, "$lte": last}}
            pipeline = [{"$match": match},
                        {"$group": {"_id": {"month": "$month", "county": "$county_code"}, "v": {"$sum": summed}}}]
            out[figure] = {(g["_id"]["month"], g["_id"]["county"]): g["v"] for g in self.db[collection].aggregate(pipeline)}
        return out
