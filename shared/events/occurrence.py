"""When an occurrence happened, as the envelope's ``time``: records typed in later (a paper
ledger, a bank's statement, a month's report) carry the day they happened, and that day —
not the minute they were typed — is when the event happened (docs/decisions.md, "Event
time is the day it happened").

A day becomes noon Beijing time (04:00 UTC) of that day, so the UTC month of the time (the
registry's statistics key by it) is the day's own month. Only days before today and not
before the programme existed are used; a record of today, or one whose day is out of that
range, keeps the time it was recorded (validating the day is each API's job)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from shared.events.envelope import iso_z
from shared.months import last_day

# 建档立卡 began in 2014: nothing the system records happened before.
PROGRAMME_START = date(2014, 1, 1)
BEIJING = timezone(timedelta(hours=8))
NOON = time(12, 0)


def time_of_day(day: date) -> str:
    """Noon Beijing time of ``day``, as event times are written."""
    return iso_z(datetime.combine(day, NOON, tzinfo=BEIJING))


def day_of(value) -> date | None:
    """A date, an ISO date string, or a month 'YYYY-MM' (its last day: a month's report or
    payment is complete at its end); None when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return last_day(value) if len(value) == 7 else date.fromisoformat(value[:10])
    except ValueError:
        return None


def occurred_time(value, now: datetime | None = None) -> str | None:
    """The event time of a record dated ``value``, or None to keep the time of recording
    (``value`` is today, in the future, before the programme or not a day)."""
    day = day_of(value)
    today = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).date()
    if day is None or not PROGRAMME_START <= day < today:
        return None
    return time_of_day(day)


def check_day(day: date, today: date | None = None) -> str | None:
    """Why ``day`` cannot be the day a back-dated record happened, or None: not in the
    future, not before the programme existed."""
    today = today or datetime.now(timezone.utc).date()
    if day > today:
        return "The date cannot be in the future."
    if day < PROGRAMME_START:
        return f"The date cannot be before {PROGRAMME_START.isoformat()}, when the programme began."
    return None
