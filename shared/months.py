"""Calendar months as 'YYYY-MM' strings: they sort and compare as text. Every service's
reports use these (report ranges, month arithmetic)."""
from __future__ import annotations

import calendar
from datetime import date

# A month a request may name: YYYY-MM of the years 1900 to 2999. Year 0 passed a plain
# four-digit pattern, and a report's default range reaching back from it crashed (issue 18).
MONTH_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$"


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


def trailing(first: str | None, last: str | None, today: date, span: int = 12) -> tuple[str, str]:
    """A report range: the months asked for; by default the ``span`` months up to ``last``
    (this month when not given)."""
    last = last or month_of(today)
    return first or shift(last, -(span - 1)), last


def range_problems(first: str | None, last: str | None, max_months: int = 60) -> dict:
    """Field errors of a report range given as ``from``/``to``."""
    if first and last and first > last:
        return {"to": ["The last month comes before the first."]}
    if first and last and len(months_between(first, last)) > max_months:
        return {"to": [f"At most {max_months} months at a time."]}
    return {}
