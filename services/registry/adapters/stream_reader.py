"""Read the consolidated stream topic directly: pages of entries after a cursor.

No consumer group and no commits: the position belongs to the *caller*, as a cursor (the
next offset of every partition, opaque to callers; domain/feed.py, with the filter).
Entries of all partitions are merged by event time (then partition, then offset), always
taking the *head* of a partition, so one partition — one household — keeps its order, and
every page is a per-partition prefix of what is left: resuming from any entry's cursor
yields each record exactly once.

Every read is bounded (entries, records scanned, seconds), so a sparse filter cannot hold
a request; a short page still carries the cursor it reached.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from kafka import KafkaConsumer, TopicPartition

from shared.events.envelope import Envelope
from services.registry.domain.feed import FeedFilter, decode_cursor, encode_cursor

log = logging.getLogger(__name__)

FETCH_BYTES = 32 * 1024  # per partition and fetch: see StreamReader


def entry(envelope: Envelope, cursor: str) -> dict:
    return {"cursor": cursor, "id": envelope.id, "type": envelope.type, "time": envelope.time,
            "subject": envelope.subject, "data": envelope.data}


@dataclass
class Page:
    items: list[dict]
    next_cursor: str
    has_more: bool
    scanned: int = 0
    scanned_by: dict = field(default_factory=dict)  # partition → records read from it


@dataclass(order=True)
class _Record:
    """A fetched record with its merge key; ``envelope`` is None for a record that is not an event."""

    key: tuple
    envelope: Envelope | None = field(compare=False)


def _time_ms(envelope: Envelope | None, record) -> int:
    # Event time orders the merge; the broker's timestamp stands in when it is unreadable.
    if envelope is not None:
        try:
            return int(datetime.fromisoformat(envelope.time).timestamp() * 1000)
        except ValueError:
            pass
    return int(record.timestamp or 0)


def _parse(record) -> _Record:
    try:
        envelope = Envelope.from_kafka(record.key, record.value, record.headers)
    except ValueError as exc:
        # Skipped but counted as scanned: the cursor moves past it like any other record.
        log.warning("not an event on the stream", extra={"partition": record.partition,
                                                         "offset": record.offset, "reason": str(exc)})
        envelope = None
    return _Record((_time_ms(envelope, record), record.partition, record.offset), envelope)


class StreamReader:
    """A reader owns a consumer; one request (or SSE connection) at a time uses it, then a
    ReaderPool keeps it or close() ends it."""

    def __init__(self, bootstrap_servers: str, topic: str, client_id: str = "registry-feed"):
        self.topic = topic
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap_servers, client_id=client_id,
            group_id=None, enable_auto_commit=False, auto_offset_reset="earliest",
            isolation_level="read_committed", allow_auto_create_topics=False,
            metrics_enabled=False,
            # Fail fast when the broker is down: the API answers 503, it must not hang.
            bootstrap_timeout_ms=5000, request_timeout_ms=10000,
            # kafka-python decodes (in Python) all it fetched; a page wants ~20 entries a
            # partition, the default 1 MB brought ~800 (a page took 300+ ms instead of ~50).
            # The broker still sends a larger record whole, so nothing gets stuck.
            max_partition_fetch_bytes=FETCH_BYTES,
        )

    def __enter__(self) -> "StreamReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.consumer.close(autocommit=False)

    def _bounds(self) -> tuple[list[int], dict[int, int], dict[int, int]]:
        partitions = sorted(self.consumer.partitions_for_topic(self.topic))
        tps = [TopicPartition(self.topic, p) for p in partitions]
        if not tps:
            return [], {}, {}
        begins = {tp.partition: o for tp, o in self.consumer.beginning_offsets(tps).items()}
        ends = {tp.partition: o for tp, o in self.consumer.end_offsets(tps).items()}
        return partitions, begins, ends

    def read_page(self, cursor: str | None, where: FeedFilter, limit: int = 50,
                  max_scan: int = 20000, max_wait_s: float = 5.0) -> Page:
        """Up to ``limit`` matching entries after ``cursor``, scanning at most ``max_scan``
        records for at most ``max_wait_s`` seconds. Records produced after the call began
        are left for the next call, so the page is a snapshot."""
        wanted = decode_cursor(cursor)
        partitions, begins, ends = self._bounds()
        if not partitions:
            return Page([], cursor or "", False)
        # Retention may have removed what a stale cursor points at: start at what is left.
        pos = {p: min(max(wanted.get(p, begins[p]), begins[p]), ends[p]) for p in partitions}
        merge = _Merge(self.consumer, self.topic, pos, ends)
        items: list[dict] = []
        deadline = time.monotonic() + max_wait_s
        while len(items) < limit and merge.scanned < max_scan:
            head = merge.next_record(deadline)
            if head is None:
                break
            if head.envelope is not None and where.matches(head.envelope):
                items.append(entry(head.envelope, encode_cursor(merge.pos)))
        merge.release()
        return Page(items, encode_cursor(merge.pos), merge.has_more(), merge.scanned, merge.scanned_by)

    def tail(self, where: FeedFilter, count: int = 50, scan: int = 6000,
             max_wait_s: float = 5.0) -> Page:
        """The latest ``count`` matching entries among the last ~``scan`` records (shared
        out over the partitions), newest first; ``next_cursor`` is where a live view goes on.

        The newest ``count`` entries are among the newest ``count`` records of each
        partition when those are all events that match; until they hold ``count`` matches,
        and for a filter or records that are not events, the window grows fourfold up to
        ``scan`` records in all. The window is in offsets, and a transaction's commit marker
        takes one without being a record: it grows too while a partition's window holds
        fewer than ``count`` records and does not reach the partition's start. The central office's page decodes ``count`` records a
        partition, a county's a few hundred, not 6,000 (~1.3 s of the web's CPU at size)."""
        partitions, begins, ends = self._bounds()
        if not partitions:
            return Page([], "", False)
        window = count
        widest = max(window, scan // len(partitions))
        deadline = time.monotonic() + max_wait_s
        while True:
            start = encode_cursor({p: max(begins[p], ends[p] - window) for p in partitions})
            budget = window * len(partitions)
            page = self.read_page(start, where, limit=budget, max_scan=budget,
                                  max_wait_s=max(0.1, deadline - time.monotonic()))
            all_events = where == FeedFilter() and len(page.items) == page.scanned
            # Records a partition's window lacks for ``count`` (markers took their offsets).
            short = max((count - page.scanned_by.get(p, 0) for p in partitions if ends[p] - window > begins[p]),
                        default=0)
            whole = all(ends[p] - window <= begins[p] for p in partitions)
            if ((all_events and short <= 0) or (where != FeedFilter() and len(page.items) >= count)
                    or window >= widest or whole or time.monotonic() >= deadline):
                break
            window = min(widest, window + short if all_events else 4 * window)
        page.items = list(reversed(page.items[-count:]))
        return page


class ReaderPool:
    """Readers kept between the requests of one process. A new reader's consumer spends
    ~110 ms fetching the cluster's metadata before its first read (measured: most of a feed
    page's ~150 ms); a kept one already knows the topic's partitions (kafka-python refreshes
    them every 5 minutes, so partitions added to the topic show within that). A reader is
    kept only after a read that raised nothing, and at most ``size`` of them."""

    def __init__(self, make, size: int = 4):
        self._make = make
        self._size = size
        self._idle: list[StreamReader] = []
        self._lock = threading.Lock()

    def new(self) -> StreamReader:
        """A reader of its own, never kept (a long-lived SSE connection); close() it."""
        return self._make()

    @contextmanager
    def reader(self):
        with self._lock:
            reader = self._idle.pop() if self._idle else None
        reader = reader or self._make()
        try:
            yield reader
        except BaseException:
            reader.close()  # a read cut short may leave partitions assigned, or a broken connection
            raise
        with self._lock:
            if len(self._idle) < self._size:
                self._idle.append(reader)
                return
        reader.close()


class _Merge:
    """Heads of every partition that has records left below its end offset, merged."""

    def __init__(self, consumer: KafkaConsumer, topic: str, pos: dict[int, int], ends: dict[int, int]):
        self.consumer = consumer
        self.pos = pos        # next offset to hand out, per partition: the cursor
        self.ends = ends      # snapshot of the end offsets taken when the read began
        self.tps = {p: TopicPartition(topic, p) for p in pos}
        self.buffers: dict[int, deque[_Record]] = {p: deque() for p in pos}
        self.fetched = dict(pos)  # next offset expected from the broker, per partition
        self.live = {p for p in pos if pos[p] < ends[p]}
        self.scanned = 0
        self.scanned_by = {p: 0 for p in pos}
        consumer.assign([self.tps[p] for p in sorted(self.live)])
        for p in self.live:
            consumer.seek(self.tps[p], pos[p])

    def has_more(self) -> bool:
        return any(self.pos[p] < self.ends[p] for p in self.pos)

    def next_record(self, deadline: float) -> _Record | None:
        """The earliest head across partitions, or None when all are done or time is up.

        A head is only chosen once *every* live partition has one, so the order does not
        depend on which partition the broker happened to answer first."""
        while True:
            starving = [p for p in self.live if not self.buffers[p]]
            if not starving:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._fetch(starving, remaining)
        if not self.live:
            return None
        p = min(self.live, key=lambda q: self.buffers[q][0].key)
        head = self.buffers[p].popleft()
        self.pos[p] = head.key[2] + 1
        self.scanned += 1
        self.scanned_by[p] += 1
        if not self.buffers[p] and self.pos[p] >= self.ends[p]:
            self.live.discard(p)
        return head

    def _fetch(self, starving: list[int], remaining: float) -> None:
        # Only the partitions that need a head are fetched; the others wait, paused.
        fed = [self.tps[p] for p in self.live if self.buffers[p]]
        if fed:
            self.consumer.pause(*fed)
        self.consumer.resume(*[self.tps[p] for p in starving])
        batches = self.consumer.poll(timeout_ms=int(min(remaining, 1.0) * 1000) or 1)
        for tp, records in batches.items():
            p = tp.partition
            for record in records:
                # Beyond the snapshot: next call's. Below what we have: a re-delivery.
                if record.offset >= self.ends[p] or record.offset < self.fetched[p]:
                    continue
                self.buffers[p].append(_parse(record))
                self.fetched[p] = record.offset + 1
        for p in starving:
            # Nothing buffered and the fetcher is past the end: the rest were transaction
            # markers or aborted records, which have offsets but are never delivered.
            if not self.buffers[p] and self.consumer.position(self.tps[p]) >= self.ends[p]:
                self.pos[p] = self.ends[p]
                self.live.discard(p)

    def release(self) -> None:
        # Unassign so the next read on this consumer starts from a clean slate.
        self.consumer.assign([])
