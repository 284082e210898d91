"""The monthly report by county: bookings and the income they, wages and dividends brought.

Months are those of a booking's check-in, a wage's month and a dividend's payment day; a
cancelled booking counts for nothing (its cancellation reversed its income)."""
from __future__ import annotations

from datetime import date

METRICS = ("bookings", "nights", "booking_income_fen", "wage_income_fen", "dividend_income_fen")
MAX_MONTHS = 60


def months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` ("YYYY-MM"), both included."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def resolve_range(first: str | None, last: str | None, today: date, span: int = 12) -> tuple[str, str]:
    """The months asked for; by default the ``span`` months up to ``last`` (this month)."""
    last = last or today.isoformat()[:7]
    if not first:
        year, month = int(last[:4]), int(last[5:7]) - (span - 1)
        while month < 1:
            year, month = year - 1, month + 12
        first = f"{year:04d}-{month:02d}"
    return first, last


def range_problems(first: str | None, last: str | None) -> dict:
    if first and last and first > last:
        return {"to": ["The last month comes before the first."]}
    if first and last and len(months(first, last)) > MAX_MONTHS:
        return {"to": [f"At most {MAX_MONTHS} months at a time."]}
    return {}


def rows(sums: dict[str, dict[tuple[str, str], int]]) -> list[dict]:
    """{metric: {(month, county): value}} → one row per month and county, in order."""
    keys = sorted({key for values in sums.values() for key in values})
    out = []
    for month, county in keys:
        row = {"month": month, "county_code": county}
        for metric in METRICS:
            row[metric] = int(sums.get(metric, {}).get((month, county), 0))
        row["income_fen"] = row["booking_income_fen"] + row["wage_income_fen"] + row["dividend_income_fen"]
        out.append(row)
    return out


def totals(report_rows: list[dict]) -> dict:
    keys = METRICS + ("income_fen",)
    return {k: sum(r[k] for r in report_rows) for k in keys}


def series(report_rows: list[dict], month_list: list[str]) -> dict:
    """Chart data: bookings by county and month; income by source and month (yuan)."""
    counties = sorted({r["county_code"] for r in report_rows})
    by = {(r["month"], r["county_code"]): r for r in report_rows}
    bookings = [{"label": c, "data": [by.get((m, c), {}).get("bookings", 0) for m in month_list]} for c in counties]
    income = {}
    for source in ("booking_income_fen", "wage_income_fen", "dividend_income_fen"):
        income[source] = [sum(by.get((m, c), {}).get(source, 0) for c in counties) / 100 for m in month_list]
    return {"labels": month_list, "bookings": bookings, "income": income}
