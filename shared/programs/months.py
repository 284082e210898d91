"""Calendar months as 'YYYY-MM' strings: they sort and compare as text."""
from __future__ import annotations

import calendar
from datetime import date


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def days_in(month: str) -> int:
    year, mon = (int(p) for p in month.split("-"))
    return calendar.monthrange(year, mon)[1]


def first_day(month: str) -> date:
    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, 1)


def last_day(month: str) -> date:
    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, days_in(month))


def months_between(start: str, end: str) -> list[str]:
    """Every month from start to end inclusive (empty when start > end)."""
    out, (year, mon) = [], (int(p) for p in start.split("-"))
    while f"{year:04d}-{mon:02d}" <= end:
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return out


def shift(month: str, delta: int) -> str:
    """The month ``delta`` months after (negative: before) ``month``."""
    year, mon = (int(p) for p in month.split("-"))
    index = year * 12 + (mon - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period(start: str | None, end: str | None, today: date, months: int = 12) -> tuple[str, str]:
    """A report period: the given bounds, else the ``months`` months up to this one."""
    end = end or (shift(start, months - 1) if start else month_of(today))
    return start or shift(end, -(months - 1)), end
