"""The monthly report by county: bookings and the income they, wages and dividends brought.

Months are those of a booking's check-in, a wage's month and a dividend's payment day; a
cancelled booking counts for nothing (its cancellation reversed its income)."""
from __future__ import annotations

from shared.months import months_between, range_problems as shared_range_problems, trailing

METRICS = ("bookings", "nights", "booking_income_fen", "wage_income_fen", "dividend_income_fen")
MAX_MONTHS = 60


# The month helpers every report shares (a range's months, its default, its problems).
months = months_between
resolve_range = trailing


def range_problems(first: str | None, last: str | None) -> dict:
    return shared_range_problems(first, last, MAX_MONTHS)


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
