"""Homestays and farm-stays: capacity and safety-inspection rules."""
from __future__ import annotations

from datetime import date, timedelta

# A homestay may take guests only under a passed safety inspection this recent (a policy
# default: the service reads TOURISM_INSPECTION_VALID_DAYS).
INSPECTION_VALID_DAYS = 365


def capacity_problems(rooms: int | None, beds: int | None) -> dict:
    """Field errors for a homestay's capacity, as marshmallow would report them."""
    if rooms and beds and beds < rooms:
        return {"beds": ["A homestay has at least one bed per room."]}
    return {}


def inspection_covering(inspections: list[dict], day: date) -> dict | None:
    """The inspection in force on ``day``: the latest one on or before it."""
    before = [i for i in inspections if date.fromisoformat(i["inspected_on"]) <= day]
    return max(before, key=lambda i: (i["inspected_on"], i.get("seq", 0)), default=None)


def inspection_problem(inspections: list[dict], day: date, valid_days: int = INSPECTION_VALID_DAYS) -> str | None:
    """Why the homestay may not take guests on ``day`` (None: it may)."""
    current = inspection_covering(inspections, day)
    if current is None:
        return f"no safety inspection on or before {day.isoformat()}; record one first"
    if current["result"] != "passed":
        return f"the safety inspection of {current['inspected_on']} failed; record a passed inspection first"
    if date.fromisoformat(current["inspected_on"]) + timedelta(days=valid_days) < day:
        return (f"the last safety inspection ({current['inspected_on']}) is older than {valid_days} days "
                f"on {day.isoformat()}; record a new one first")
    return None
