"""When to try a delivery again: a fixed schedule with jitter, ``Retry-After`` honoured,
and when an endpoint has failed long enough to be switched off; when to forward a partner's
report again to a program that did not answer."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

# Seconds to wait before each attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
# 20 h, 24 h — ten attempts over about three days (the Standard Webhooks reference schedule).
DEFAULT_SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
JITTER = 0.2           # ± this share of each wait, so a recovered partner is not hit all at once
MAX_RETRY_AFTER = 86400
# Forwarding a partner's report to a program that is down: a minute apart at first, then
# hourly, for two days.
FORWARD_SCHEDULE = (0, 10, 60, 300, 900, 1800) + (3600,) * 48


def parse_schedule(text: str) -> tuple[float, ...]:
    """'0,5,300' → (0, 5, 300); an empty text gives the default."""
    if not (text or "").strip():
        return DEFAULT_SCHEDULE
    values = tuple(float(v) for v in text.split(","))
    if not values or any(v < 0 for v in values):
        raise ValueError("WEBHOOKS_RETRY_SCHEDULE must be comma-separated seconds, none negative")
    return values


def jittered(seconds: float, rnd: random.Random | None = None) -> float:
    if seconds <= 0:
        return 0.0
    return seconds * (1 + (rnd or random).uniform(-JITTER, JITTER))


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """The Retry-After header as seconds: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER)


def next_attempt_at(attempts_made: int, schedule: tuple[float, ...], now: datetime,
                    retry_after: float | None = None, rnd: random.Random | None = None) -> datetime | None:
    """When to try again after ``attempts_made`` failed attempts; None: give up.

    Retry-After is honoured when it asks for longer than the schedule would wait."""
    if attempts_made >= len(schedule):
        return None
    wait = jittered(schedule[attempts_made], rnd)
    if retry_after is not None:
        wait = max(wait, retry_after)
    return now + timedelta(seconds=wait)


@dataclass(frozen=True)
class DisablePolicy:
    after_seconds: float = 5 * 86400     # failing continuously this long …
    after_attempts: int = 0              # … or this many failed attempts in a row (0: no limit)

    def should_disable(self, failing_since: datetime | None, consecutive_failures: int, now: datetime) -> bool:
        if self.after_attempts and consecutive_failures >= self.after_attempts:
            return True
        return failing_since is not None and (now - failing_since).total_seconds() >= self.after_seconds
