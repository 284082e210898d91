"""The monthly report per county: sales, refunds and income. Pure, no framework.

Sales count in the month they were sold, refunds in the month they were made (a December
sale refunded in January lowers January's income), as the registry's timeline does."""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

COUNTERS = ("sales", "households", "amount_fen", "income_fen", "refunds", "refund_amount_fen", "refund_income_fen")


@dataclass
class Row:
    month: str
    county_code: str
    sales: int = 0
    amount_fen: int = 0
    income_fen: int = 0
    refunds: int = 0
    refund_amount_fen: int = 0
    refund_income_fen: int = 0
    sellers: set = field(default_factory=set)

    @property
    def households(self) -> int:
        """Households with a sale recorded in the month (a refund alone does not count)."""
        return len(self.sellers)

    @property
    def net_income_fen(self) -> int:
        return self.income_fen - self.refund_income_fen

    def as_dict(self) -> dict:
        return {"month": self.month, "county_code": self.county_code, "sales": self.sales,
                "households": self.households, "amount_fen": self.amount_fen, "income_fen": self.income_fen,
                "refunds": self.refunds, "refund_amount_fen": self.refund_amount_fen,
                "refund_income_fen": self.refund_income_fen, "net_income_fen": self.net_income_fen}


def months_between(first: str, last: str) -> list[str]:
    """'2026-11', '2027-02' → the four months from November to February."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def year_range(year: int) -> tuple[str, str]:
    return f"{year:04d}-01", f"{year:04d}-12"


def days_of(first: str, last: str) -> tuple[str, str]:
    """The first day of ``first`` and the last day of ``last`` (months 'YYYY-MM')."""
    year, month = int(last[:4]), int(last[5:7])
    return f"{first}-01", f"{last}-{calendar.monthrange(year, month)[1]:02d}"


def this_year() -> int:
    return date.today().year


def period(first: str | None, last: str | None, year: int | None) -> tuple[str, str]:
    """The months a report covers: from/to (a missing one is its year's first or last month),
    else a calendar year (default: this one)."""
    if first or last:
        first = first or last[:4] + "-01"
        last = last or first[:4] + "-12"
        return (first, last) if first <= last else (first, first)
    return year_range(year or this_year())


def monthly(sales, first: str, last: str, county: str | None = None) -> list[dict]:
    """Rows per (month, county) with anything in them, months ascending then counties."""
    rows: dict[tuple[str, str], Row] = {}

    def row(month: str, county_code: str) -> Row:
        key = (month, county_code)
        if key not in rows:
            rows[key] = Row(month, county_code)
        return rows[key]

    for sale in sales:
        county_code = sale["county_code"]
        if county and county_code != county:
            continue
        if first <= sale["month"] <= last:
            r = row(sale["month"], county_code)
            r.sales += 1
            r.amount_fen += sale["amount_fen"]
            r.income_fen += sale["income_fen"]
            r.sellers.add(sale["household_id"])
        for refund in sale.get("refunds") or []:
            if first <= refund["month"] <= last:
                r = row(refund["month"], county_code)
                r.refunds += 1
                r.refund_amount_fen += refund["amount_fen"]
                r.refund_income_fen += refund["income_fen"]
    return [rows[k].as_dict() for k in sorted(rows)]


def totals(rows: list[dict]) -> dict:
    """The period's totals (households: the sum of monthly sellers per county, so a
    household selling in two months counts twice — a count of household-months)."""
    total = defaultdict(int)
    for r in rows:
        for name in (*COUNTERS, "net_income_fen"):
            total[name] += r[name]
    return {name: total[name] for name in (*COUNTERS, "net_income_fen")}


def chart_series(rows: list[dict], first: str, last: str) -> dict:
    """Labels (every month of the period) and data sets in yuan: net income per county, and
    sales against refunds for all counties."""
    months = months_between(first, last)
    counties = sorted({r["county_code"] for r in rows})
    by_key = {(r["month"], r["county_code"]): r for r in rows}

    def per_month(name: str, county: str | None = None) -> list[float]:
        values = []
        for m in months:
            picked = [by_key[(m, c)] for c in counties if (m, c) in by_key and (county is None or c == county)]
            values.append(sum(r[name] for r in picked) / 100)
        return values

    return {"months": months,
            "income": [{"county_code": c, "data": per_month("net_income_fen", c)} for c in counties],
            "sales_amount": per_month("amount_fen"), "refund_amount": per_month("refund_amount_fen"),
            "income_total": per_month("income_fen"), "refund_income": per_month("refund_income_fen")}
