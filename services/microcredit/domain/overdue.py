"""Overdue instalments: an instalment not fully paid after its due day is overdue, by the
number of days since that day (days past due)."""
from __future__ import annotations

from datetime import date

from services.microcredit.domain.allocation import settled


def days_past_due(instalment: dict, today: date) -> int:
    if settled(instalment):
        return 0
    return max(0, (today - date.fromisoformat(instalment["due_on"])).days)


def overdue_instalments(schedule: list[dict], today: date) -> list[dict]:
    """{no, due_on, days_past_due, owed_fen} of every instalment overdue on ``today``."""
    out = []
    for instalment in schedule:
        days = days_past_due(instalment, today)
        if days > 0:
            owed = (instalment["interest_fen"] - instalment.get("paid_interest_fen", 0)
                    + instalment["principal_fen"] - instalment.get("paid_principal_fen", 0))
            out.append({"no": instalment["no"], "due_on": instalment["due_on"], "days_past_due": days,
                        "owed_fen": owed})
    return out


def mark(schedule: list[dict], today: date) -> tuple[list[dict], list[int]]:
    """The schedule with each instalment's days past due on ``today``, and the numbers of those
    that became overdue now (not marked overdue before): they alone are news."""
    out, newly = [], []
    for instalment in schedule:
        days = days_past_due(instalment, today)
        updated = {**instalment, "days_past_due": days}
        if days > 0 and not instalment.get("overdue_since"):
            updated["overdue_since"] = today.isoformat()
            newly.append(instalment["no"])
        out.append(updated)
    return out, newly
