"""Jobs in scenic areas and the wages paid for them."""
from __future__ import annotations

from datetime import date


def month_of(day: date | str) -> str:
    return (day if isinstance(day, str) else day.isoformat())[:7]


def end_problem(started_on: str, ended_on: date) -> dict:
    if ended_on.isoformat() < started_on:
        return {"ended_on": [f"A job cannot end before it started ({started_on})."]}
    return {}


def wage_month_problem(job: dict, month: str) -> dict:
    """A wage is paid for a month the job was held (from its start month to its end month)."""
    first = month_of(job["started_on"])
    last = month_of(job["ended_on"]) if job.get("ended_on") else None
    if month < first:
        return {"month": [f"The job started in {first}; no wage is due for {month}."]}
    if last and month > last:
        return {"month": [f"The job ended in {last}; no wage is due for {month}."]}
    return {}
