"""The monthly report by county, computed from the loans (each with its schedule and its
repayments' allocations), so any month can be shown as it stood at its end:

- outstanding: principal disbursed by the month's end, less principal repaid and written off;
- disbursed / repaid: money lent and money paid back (principal + interest) in the month;
- repayment rate: of what fell due in the month (principal + interest), the share paid by now;
- overdue rate: principal outstanding of loans with an instalment past due and unpaid at the
  month's end, over all principal outstanding then (the banks' 逾期率)."""
from __future__ import annotations

from collections import defaultdict

from shared.months import last_day, months_between, trailing

FIGURES = ("loans", "disbursed_fen", "repaid_fen", "outstanding_fen", "overdue_fen", "due_fen", "due_paid_fen",
           "written_off_fen")


months = months_between
resolve_range = trailing


def month_end(month: str) -> str:
    return last_day(month).isoformat()


def _paid_by(loan: dict, day: str) -> dict[int, tuple[int, int]]:
    """{instalment no: (interest, principal) paid} by ``day`` (included)."""
    paid: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for repayment in loan.get("repayments", []):
        if repayment["paid_on"] <= day:
            for line in repayment["lines"]:
                paid[line["no"]][0] += line["interest_fen"]
                paid[line["no"]][1] += line["principal_fen"]
    return {no: (v[0], v[1]) for no, v in paid.items()}


def loan_month(loan: dict, month: str) -> dict:
    """One loan's figures for one month."""
    end = month_end(month)
    out = dict.fromkeys(FIGURES, 0)
    if loan["disbursed_on"] > end:
        return out
    written_off = loan.get("written_off_on") and loan["written_off_on"] <= end
    paid = _paid_by(loan, end)
    principal_paid = sum(p for _, p in paid.values())
    if loan["disbursed_on"][:7] == month:
        out["loans"], out["disbursed_fen"] = 1, loan["principal_fen"]
    out["repaid_fen"] = sum(r["amount_fen"] for r in loan.get("repayments", []) if r["paid_on"][:7] == month)
    if loan.get("written_off_on", "")[:7] == month:
        out["written_off_fen"] = loan.get("written_off_fen", 0)
    if not written_off:
        out["outstanding_fen"] = loan["principal_fen"] - principal_paid
    now_paid = _paid_by(loan, "9999-12-31")
    for instalment in loan.get("schedule", []):
        total = instalment["interest_fen"] + instalment["principal_fen"]
        if instalment["due_on"][:7] == month:
            out["due_fen"] += total
            out["due_paid_fen"] += sum(now_paid.get(instalment["no"], (0, 0)))
        if (not written_off and out["outstanding_fen"] and instalment["due_on"] < end
                and sum(paid.get(instalment["no"], (0, 0))) < total):
            out["overdue_fen"] = out["outstanding_fen"]
    return out


def rows(loans: list[dict], month_list: list[str]) -> list[dict]:
    """One row per month and county that has anything to show, in order, with the rates."""
    sums: dict[tuple[str, str], dict] = {}
    for loan in loans:
        for month in month_list:
            figures = loan_month(loan, month)
            if any(figures.values()):
                row = sums.setdefault((month, loan["county_code"]), dict.fromkeys(FIGURES, 0))
                for k, v in figures.items():
                    row[k] += v
    out = []
    for (month, county), row in sorted(sums.items()):
        out.append({"month": month, "county_code": county, **row, **rates(row)})
    return out


def rates(row: dict) -> dict:
    """Rates in per cent with two decimals (None where nothing was due or outstanding)."""
    return {"repayment_rate": round(100 * row["due_paid_fen"] / row["due_fen"], 2) if row["due_fen"] else None,
            "overdue_rate": round(100 * row["overdue_fen"] / row["outstanding_fen"], 2) if row["outstanding_fen"]
            else None}


def totals(report_rows: list[dict], month_list: list[str]) -> dict:
    """Flows add up over the months; stocks (outstanding, overdue) are those of the last month."""
    flows = ("loans", "disbursed_fen", "repaid_fen", "due_fen", "due_paid_fen", "written_off_fen")
    out = {k: sum(r[k] for r in report_rows) for k in flows}
    last = month_list[-1] if month_list else None
    for k in ("outstanding_fen", "overdue_fen"):
        out[k] = sum(r[k] for r in report_rows if r["month"] == last)
    return {**out, **rates(out)}


def series(report_rows: list[dict], month_list: list[str]) -> dict:
    """Chart data: outstanding by county (yuan), and the rates of all counties by month."""
    counties = sorted({r["county_code"] for r in report_rows})
    by = {(r["month"], r["county_code"]): r for r in report_rows}
    outstanding = [{"label": c, "data": [by.get((m, c), {}).get("outstanding_fen", 0) / 100 for m in month_list]}
                   for c in counties]
    repayment, overdue = [], []
    for m in month_list:
        month_rows = [by[(m, c)] for c in counties if (m, c) in by]
        r = rates({k: sum(x[k] for x in month_rows) for k in ("due_fen", "due_paid_fen", "overdue_fen",
                                                               "outstanding_fen")})
        repayment.append(r["repayment_rate"])
        overdue.append(r["overdue_rate"])
    return {"labels": month_list, "outstanding": outstanding, "repayment_rate": repayment, "overdue_rate": overdue}
