"""Login rate limiting and lock-out, kept in the auth store so every gunicorn worker of
every service counts the same failures.

Failures are counted per user name and per client address over a window; past the limit
the key is locked for a while, and even the right password is refused until it ends. A
success clears the user name's count (not the address's: one right password must not
reset a guessing run against other names). A count is one document updated with ``$inc``
(atomic on both stores); two first failures racing may start the window twice and lose
one count — the limit is then one higher, never lower.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo import ReturnDocument
from pymongo.database import Database

# An address sees several people (one village office, one NAT): it gets more tries.
ADDRESS_FACTOR = 4


@dataclass(frozen=True)
class Limits:
    max_failures: int = 5
    window_s: int = 900
    lockout_s: int = 900


class LoginThrottle:
    def __init__(self, db: Database, limits: Limits = Limits()):
        self.failures = db["login_failures"]
        self.limits = limits

    @staticmethod
    def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
        keys = [(f"user:{username.strip().lower()[:200]}", 1)]
        if address:
            keys.append((f"addr:{address}", ADDRESS_FACTOR))
        return keys

    def locked_for(self, username: str, address: str | None, now: datetime | None = None) -> int:
        """Seconds until a login may be tried again (0: now)."""
        now = now or _now()
        waits = [0]
        for key, _ in self._keys(username, address):
            doc = self.failures.find_one({"_id": key})
            until = doc and doc.get("locked_until")
            if until and _aware(until) > now:
                waits.append(int((_aware(until) - now).total_seconds()) + 1)
        return max(waits)

    def failed(self, username: str, address: str | None, now: datetime | None = None) -> None:
        now = now or _now()
        window_start = now - timedelta(seconds=self.limits.window_s)
        for key, factor in self._keys(username, address):
            doc = self.failures.find_one_and_update(
                {"_id": key, "since": {"$gt": window_start}}, {"$inc": {"count": 1}},
                return_document=ReturnDocument.AFTER)
            if doc is None:   # no count yet, or the window is over: start again
                self.failures.update_one({"_id": key}, {"$set": {"since": now, "count": 1, "locked_until": None}},
                                         upsert=True)
                doc = {"count": 1}
            if doc["count"] >= self.limits.max_failures * factor:
                self.failures.update_one({"_id": key}, {"$set": {
                    "locked_until": now + timedelta(seconds=self.limits.lockout_s), "since": now, "count": 0}})

    def succeeded(self, username: str) -> None:
        self.failures.delete_one({"_id": self._keys(username, None)[0][0]})


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
