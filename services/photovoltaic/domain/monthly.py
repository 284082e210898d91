"""Shaping the monthly report: totals per month across counties, for the chart and the cards."""
from __future__ import annotations

SUMMED = ("reports", "kwh", "revenue_fen", "rooftop_income_fen", "dividends_fen", "wages_fen", "distributed_fen",
          "income_to_households_fen")


def by_month(rows: list[dict], months: list[str]) -> list[dict]:
    """Every month of the period (zeros where nothing was reported), summed over counties."""
    totals = {m: {"month": m, **{k: 0 for k in SUMMED}} for m in months}
    for r in rows:
        if r["month"] in totals:
            for k in SUMMED:
                totals[r["month"]][k] += r[k]
    return [totals[m] for m in months]


def grand_total(rows: list[dict]) -> dict:
    return {k: sum(r[k] for r in rows) for k in SUMMED}
