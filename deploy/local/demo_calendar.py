"""The demo's calendar: two years of history ending today, and the days things happen in it.

Pure functions of a seeded ``random.Random`` and today's date, shared by the demo loaders
(deploy/local/demo_*.py) so that every record of the demo happened on a believable day:
files identified in the year's identification campaign and in the yearly adjustment,
assistance starting weeks later, exits proposed in November and finished after the public
notice in December, a few returns to poverty the year after. Nothing is dated after today.
Unit-tested in tests/unit/test_demo_calendar.py."""
from __future__ import annotations

import random
from datetime import date, timedelta

from shared.months import first_day, last_day, month_of

HISTORY_MONTHS = 24
NOTICE_DAYS = 7   # the registry's default public notice (EXIT_NOTICE_DAYS)


def history_months(today: date) -> list[str]:
    """The HISTORY_MONTHS months ending with today's, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(HISTORY_MONTHS):
        months.insert(0, f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def history_start(today: date) -> date:
    return first_day(history_months(today)[0])


def months_since(day: date, today: date) -> list[str]:
    """The months of the history from ``day``'s month to today's."""
    return [m for m in history_months(today) if m >= month_of(day)]


def day_in(month: str, rng: random.Random, today: date, not_before: date | None = None) -> date | None:
    """A day of ``month`` on or after ``not_before`` and not after today (None: there is none)."""
    first = max(first_day(month), not_before or first_day(month))
    last = min(last_day(month), today)
    if first > last:
        return None
    return first + timedelta(days=rng.randint(0, (last - first).days))


def after(day: date, rng: random.Random, low: int, high: int, today: date) -> date | None:
    """``low`` to ``high`` days after ``day``; None when that is after today."""
    later = day + timedelta(days=rng.randint(low, high))
    return later if later <= today else None


def quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def is_quarter_end(month: str) -> bool:
    return int(month[5:7]) % 3 == 0


def identified_on(rng: random.Random, today: date) -> date:
    """When a household was identified and filed (建档立卡): most in the campaign of the
    history's first months, some in the yearly dynamic adjustment (动态调整) twelve months
    on, a few in between (a disaster, an illness)."""
    start, roll = history_start(today), rng.random()
    if roll < 0.6:
        return start + timedelta(days=rng.randint(0, 75))
    if roll < 0.85:
        adjustment = first_day(history_months(today)[12])
        return min(today - timedelta(days=1), adjustment + timedelta(days=rng.randint(0, 45)))
    return min(today - timedelta(days=1), start + timedelta(days=rng.randint(90, 600)))


def assistance_starts(identified: date, rng: random.Random, today: date) -> date | None:
    """The help plan made and assistance started (帮扶计划), weeks after identification."""
    return after(identified, rng, 10, 45, today)


def exit_steps(identified: date, rng: random.Random, today: date) -> list[tuple[str, date]]:
    """The exit of a household that meets the criteria, at the first year end at least six
    months after it was identified: proposed by the village in November, checked by the
    township, approved by the county, a public notice of NOTICE_DAYS days, exited. Steps
    after today are left out (an exit in progress)."""
    year = identified.year if identified.month <= 5 else identified.year + 1
    proposed = date(year, 11, rng.randint(3, 20))
    checked = proposed + timedelta(days=rng.randint(4, 10))
    approved = checked + timedelta(days=rng.randint(3, 8))
    finished = approved + timedelta(days=NOTICE_DAYS + rng.randint(0, 3))
    steps = [("propose_exit", proposed), ("township_check", checked), ("county_approve", approved),
             ("finish_notice", finished)]
    return [(step, day) for step, day in steps if day <= today]


def return_to_poverty(exited: date, rng: random.Random, today: date) -> date | None:
    """The day an exited household falls back (返贫): months after the exit."""
    return after(exited, rng, 90, 300, today)
