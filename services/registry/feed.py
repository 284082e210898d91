"""The consolidated stream for the central office, read by position (adapters/stream_reader.py):
a page after a cursor, the latest entries, a bounded export, a reader of its own for a live
view. Free of Flask; the web layer authorizes and narrows the filter to the caller's county
first. A broker that cannot be reached is ``BrokerUnavailable``."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from kafka.errors import KafkaError

from shared.config import Settings
from shared.events.topics import Topics
from shared.programs.refused import Refused
from services.registry.adapters.stream_reader import Page, ReaderPool, StreamReader
from services.registry.domain.feed import FeedFilter


class BrokerUnavailable(Refused):
    """503: the broker could not be reached (its error is the cause)."""

    def __init__(self):
        super().__init__("The event broker is unavailable. Try again shortly.", None, 503)


@contextmanager
def _broker():
    try:
        yield
    except KafkaError as exc:
        raise BrokerUnavailable() from exc


class LiveReader:
    """A reader of its own for a long-lived view (SSE), never pooled: close() it."""

    def __init__(self, reader: StreamReader):
        self._reader = reader

    def read_page(self, cursor: str | None, where: FeedFilter, limit: int, max_wait_s: float) -> Page:
        with _broker():
            return self._reader.read_page(cursor, where, limit=limit, max_wait_s=max_wait_s)

    def close(self) -> None:
        self._reader.close()


@dataclass
class Feed:
    readers: ReaderPool

    @classmethod
    def build(cls, settings: Settings) -> "Feed":
        return cls(ReaderPool(lambda: StreamReader(settings.kafka_bootstrap_servers,
                                                   Topics(settings.topic_prefix).stream,
                                                   client_id=f"{settings.service}-feed")))

    def page(self, cursor: str | None, where: FeedFilter, limit: int) -> Page:
        """Up to ``limit`` entries after ``cursor``, oldest first."""
        with _broker(), self.readers.reader() as reader:
            return reader.read_page(cursor, where, limit)

    def latest(self, where: FeedFilter, count: int) -> Page:
        """The newest ``count`` entries, newest first; ``next_cursor`` is where a live view goes on."""
        with _broker(), self.readers.reader() as reader:
            return reader.tail(where, count=count)

    def export(self, cursor: str | None, where: FeedFilter, limit: int, shape: Callable[[dict], list],
               chunk: int, seconds: float) -> tuple[list, str | None, bool]:
        """Up to ``limit`` entries after ``cursor``, read ``chunk`` at a time for at most
        ``seconds``, each made into ``shape(entry)`` as it comes (a CSV row is smaller than its
        entry); with the cursor reached and whether entries were left out."""
        rows, has_more = [], True
        deadline = time.monotonic() + seconds
        with _broker(), self.readers.reader() as reader:
            while has_more and len(rows) < limit and time.monotonic() < deadline:
                page = reader.read_page(cursor, where, limit=min(chunk, limit - len(rows)),
                                        max_wait_s=max(0.1, min(5.0, deadline - time.monotonic())))
                rows.extend(shape(item) for item in page.items)
                cursor, has_more = page.next_cursor, page.has_more
        return rows, cursor, has_more

    def live(self) -> LiveReader:
        with _broker():
            return LiveReader(self.readers.new())
