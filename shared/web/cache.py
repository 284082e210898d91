"""A small per-process cache of lookups that may be a few seconds old: who a token or a
session belongs to, a household's file in a program's read model. Only found values are
kept (a new token or household is seen at once), each for at most ``ttl`` seconds counted
from *before* the lookup that found it, so a change in the store is seen by every process
at most ``ttl`` seconds after it was made. Bounded: when full, the expired entries go, and
if none has expired, everything."""
from __future__ import annotations

import threading
import time
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")


class TtlCache:
    def __init__(self, ttl: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._items: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], T | None]) -> T | None:
        born = self.clock()
        hit = self._items.get(key)
        if hit is not None and hit[0] > born:
            return hit[1]   # type: ignore[return-value]
        value = load()
        with self._lock:
            if value is None or self.ttl <= 0:
                self._items.pop(key, None)
            else:
                if len(self._items) >= self.size:
                    self._evict(born)
                self._items[key] = (born + self.ttl, value)
        return value

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def _evict(self, now: float) -> None:
        for key in [k for k, (until, _) in self._items.items() if until <= now]:
            del self._items[key]
        if len(self._items) >= self.size:
            self._items.clear()
