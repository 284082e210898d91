"""A consumer loop that commits offsets only after the handler has written to the store.

The handler gets a validated ``Envelope``, its ``EventType`` and its ``Position`` and must
be idempotent. A handler may have a ``prepare(keys)`` that the loop calls with a poll's
record keys before its records (to read what they need in one query), a ``flush()`` for
writes it batches per poll: the loop calls it after the poll's records and before
committing their offsets, and ``discard()`` when the batch is to be handled again (a record
may be delivered again after a crash). A record that cannot be applied — not an event, unknown
type, invalid data, or a ``Rejected`` raised by the handler — goes to the dead-letter
topic with the reason, and the partition keeps moving. When the store is unreachable, or a
dead letter was not acknowledged, nothing of the batch is committed: the loop seeks back to
the batch's start and tries again after a pause (the handler is idempotent), instead of
exiting — a store restart must not stop the pipeline where no supervisor restarts it. Any
other exception stops the loop without committing, so the record is retried after restart.
If the group rebalanced meanwhile, the commit is refused and the partition's new owner
reads those records again; if the broker is away, the next batch's commit covers it. Both
are logged, not fatal (the process used to exit when the broker stopped mid-commit).

A loop with a ``transactional_id`` handles each poll in one Kafka transaction: what
``flush()`` returns — (topic, event) pairs the poll derives — and its dead letters are
produced in it, together with the poll's offsets (``send_offsets_to_transaction`` with the
group's metadata, so a consumer that lost its partitions cannot commit them). Readers read
committed: a poll's events appear once, when it is done, or not at all; a poll handled again
after a crash produces them again (the handler derives the same ones).
"""
from __future__ import annotations

import logging
import signal
import threading
from typing import Callable, Iterable

from kafka import KafkaConsumer, OffsetAndMetadata
from kafka.errors import CommitFailedError, IllegalStateError, KafkaError
from pymongo.errors import ConnectionFailure

from shared import heartbeat
from shared.config import Settings
from shared.events.catalogue import CATALOGUE, EventType, InvalidEvent
from shared.events.envelope import Envelope, utcnow_iso
from shared.events.topics import Topics
from shared.kafka.position import Position
from shared.kafka.producer import make_producer, send_envelope

log = logging.getLogger(__name__)


class Rejected(Exception):
    """Raised by a handler for an event that can never be applied (e.g. unknown household)."""


class DeadLetterNotSent(Exception):
    """The broker did not acknowledge a dead letter: the batch must not be committed."""


RETRY_AFTER_S = 1.0


Handler = Callable[[Envelope, EventType, Position], None]


class ConsumerLoop:
    def __init__(self, settings: Settings, topics: Iterable[str], handler: Handler,
                 group_id: str | None = None, metrics=None, auto_offset_reset: str = "earliest",
                 deadletter: bool = True, max_poll_records: int = 500, transactional_id: str | None = None):
        self.settings = settings
        self.topics = list(topics)
        self.handler = handler
        self.group_id = group_id or settings.consumer_group
        self.metrics = metrics
        self.auto_offset_reset = auto_offset_reset
        self.max_poll_records = max_poll_records
        # A rebuild replays what was dead-lettered before: it counts it, it does not publish it again.
        self.deadletter_topic = Topics(settings.topic_prefix).deadletter if deadletter else None
        self.deadlettered = 0
        self.transactional_id = transactional_id
        self._stop = threading.Event()
        self._consumer: KafkaConsumer | None = None
        self._producer = None
        self._committed: dict = {}  # partition → the offset this process last committed for it

    def stop(self, *_):
        self._stop.set()

    def install_signal_handlers(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def _open(self):
        self._consumer = KafkaConsumer(
            *self.topics,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.group_id,
            client_id=f"{self.settings.service}-consumer",
            enable_auto_commit=False,
            auto_offset_reset=self.auto_offset_reset,
            max_poll_records=self.max_poll_records,
            isolation_level="read_committed",
            session_timeout_ms=self.settings.consumer_session_timeout_ms,
            heartbeat_interval_ms=min(3000, self.settings.consumer_session_timeout_ms // 3),
        )
        if not self.transactional_id:
            self._producer = make_producer(self.settings, client_id=f"{self.settings.service}-deadletter")
        else:
            # Before the first poll: a transaction a killed predecessor left open holds the
            # group's offsets (UnstableOffsetCommit) until it is aborted, which this does.
            try:
                self._transactional_producer()
            except KafkaError as exc:  # the broker is away: the first poll's batch tries again
                log.warning("transactions not initialised yet", extra={"error": repr(exc)[:500]})

    def _transactional_producer(self):
        """The producer of this loop's transactions, made (again) when there is none: its
        init_transactions aborts what an earlier producer with the same id left open."""
        if self._producer is None:
            producer = make_producer(self.settings, client_id=f"{self.settings.service}-transactions",
                                     transactional_id=self.transactional_id,
                                     transaction_timeout_ms=self.settings.transaction_timeout_ms)
            try:
                producer.init_transactions()
            except Exception:
                producer.close(timeout=5)
                raise
            self._producer = producer
        return self._producer

    def _abort(self):
        """Abort the poll's transaction; a producer that cannot abort is closed (the next
        poll makes a new one, which aborts it for good)."""
        try:
            self._producer.abort_transaction()
        except Exception as exc:  # fenced, timed out, broker away: start over
            log.warning("transaction not aborted; the producer is made again", extra={"error": repr(exc)[:500]})
            try:
                self._producer.close(timeout=5)
            finally:
                self._producer = None

    def run(self, stop_at_end: bool = False, progress=None):
        """Poll until stop() (SIGTERM). With ``stop_at_end``, stop once every assigned
        partition is read up to the end it had when first assigned (rebuilds)."""
        self._open()
        ends = None
        try:
            while not self._stop.is_set():
                heartbeat.beat()
                try:
                    batches = self._consumer.poll(timeout_ms=500)
                except KafkaError as exc:  # the broker is away: wait for it, do not exit
                    log.warning("poll failed; retrying", extra={"error": repr(exc)[:500]})
                    self._stop.wait(RETRY_AFTER_S)
                    continue
                if batches:
                    self._process(batches)
                    if progress:
                        progress(sum(len(r) for r in batches.values()))
                else:
                    self._commit_positions()
                if stop_at_end:
                    assigned = self._consumer.assignment()
                    if assigned and ends is None:
                        ends = self._consumer.end_offsets(list(assigned))
                    if ends is not None and all(self._consumer.position(tp) >= ends.get(tp, 0) for tp in assigned):
                        break
        finally:
            self.close()

    def _process(self, batches: dict):
        offsets, sends = {}, []
        transaction = bool(self.transactional_id)
        try:
            if transaction:
                self._transactional_producer().begin_transaction()
            prepare = getattr(self.handler, "prepare", None)
            if prepare is not None:  # e.g. read every record's document in one query
                prepare([r.key.decode("utf-8", "replace") for records in batches.values() for r in records if r.key])
            for tp, records in batches.items():
                for record in records:
                    sends += self._handle(record)
                    offsets[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
                    if self._stop.is_set():
                        break
                if self._stop.is_set():
                    break
            # Batched store writes and dead-letters must be durable before we move past their records.
            flush = getattr(self.handler, "flush", None)
            derived = (flush() if flush is not None else None) or []
            if derived and not transaction:
                raise RuntimeError("a handler's derived events are produced only in a transaction (transactional_id)")
            sends += [send_envelope(self._producer, topic, Envelope.from_dict(event)) for topic, event in derived]
            if transaction:
                if offsets:
                    self._producer.send_offsets_to_transaction(offsets, self._consumer.group_metadata())
                self._producer.commit_transaction()  # sends what it holds first
            else:
                self._producer.flush()
            failed = [f.exception for f in sends if f.failed()]
            if failed:
                raise DeadLetterNotSent(repr(failed[0]))
        except (ConnectionFailure, DeadLetterNotSent, KafkaError) as exc:
            log.warning("batch not applied; retrying it", extra={"error": repr(exc)[:500]})
            if transaction and self._producer is not None:
                self._abort()
            # What the handler queued for this batch is dropped: the batch is handled again.
            discard = getattr(self.handler, "discard", None)
            if discard is not None:
                discard()
            self._rewind(batches)
            self._stop.wait(RETRY_AFTER_S)
            return
        if transaction:
            self._committed.update({tp: o.offset for tp, o in offsets.items()})
        elif offsets:
            try:
                self._consumer.commit(offsets)
                self._committed.update({tp: o.offset for tp, o in offsets.items()})
            except CommitFailedError as exc:
                log.warning("offsets not committed (the group rebalanced); the new owner re-reads them",
                            extra={"error": str(exc)[:500]})
            except KafkaError as exc:
                # The broker went away during the commit. Everything up to here is applied;
                # the next commit (offsets are absolute) covers it, or a restart re-reads it.
                log.warning("offsets not committed (broker unreachable); committing with the next batch",
                            extra={"error": repr(exc)[:500]})

    def _commit_positions(self):
        """When idle, commit a partition's position where it passed only transaction markers
        (the commit record each transaction leaves): a group that read everything shows no
        lag. Only for partitions this process has committed itself."""
        try:
            moved = {}
            for tp in self._consumer.assignment():
                last = self._committed.get(tp)
                if last is not None:
                    position = self._consumer.position(tp)
                    if position > last:
                        moved[tp] = OffsetAndMetadata(position, "", -1)
            if moved:
                self._consumer.commit(moved)
                self._committed.update({tp: o.offset for tp, o in moved.items()})
        except (CommitFailedError, IllegalStateError, AssertionError, KafkaError) as exc:
            log.info("positions not committed", extra={"error": repr(exc)[:300]})

    def _rewind(self, batches: dict):
        for tp, records in batches.items():
            try:
                self._consumer.seek(tp, records[0].offset)
            except (IllegalStateError, AssertionError, KafkaError):
                pass  # no longer ours after a rebalance: its new owner starts from the commit

    def _handle(self, record) -> list:
        """Apply one record; returns the dead-letter send it made, if any."""
        size = len(record.value or b"")
        if size > self.settings.max_event_bytes:
            # Events are small (ids, dates, money): a huge one is an attack or a bug, and
            # parsing it would cost every consumer's memory. Keep its start for a person.
            return self._deadletter(record, f"record too large: {size} bytes (at most {self.settings.max_event_bytes})",
                                    value=(record.value or b"")[:64 * 1024])
        try:
            envelope = Envelope.from_kafka(record.key, record.value, record.headers)
            event_type = CATALOGUE.check(envelope)
            self.handler(envelope, event_type, Position(record.topic, record.partition, record.offset))
            self._count("applied", record.topic)
            return []
        except (InvalidEvent, ValueError, Rejected) as exc:
            return self._deadletter(record, str(exc))

    def _deadletter(self, record, reason: str, value: bytes | None = None) -> list:
        log.warning("dead-lettered", extra={"topic": record.topic, "partition": record.partition,
                                            "offset": record.offset, "reason": reason})
        headers = list(record.headers or []) + [
            ("dlq_reason", reason.encode()[:4000]),
            ("dlq_topic", record.topic.encode()),
            ("dlq_partition", str(record.partition).encode()),
            ("dlq_offset", str(record.offset).encode()),
            ("dlq_consumer_group", self.group_id.encode()),
            ("dlq_time", utcnow_iso().encode()),
        ]
        self.deadlettered += 1
        self._count("deadlettered", record.topic)
        if self.deadletter_topic:
            value = (record.value or b"") if value is None else value
            return [self._producer.send(self.deadletter_topic, key=record.key, value=value, headers=headers)]
        return []

    def _count(self, outcome: str, topic: str):
        if self.metrics is not None:
            self.metrics.consumed.labels(topic=topic, outcome=outcome).inc()

    def close(self):
        if self._producer is not None:
            # Bounded: with the broker gone, SIGTERM must still end the process. Anything
            # unflushed belongs to a batch whose offsets were not committed.
            self._producer.close(timeout=10)
            self._producer = None
        if self._consumer is not None:
            self._consumer.close(autocommit=False)
            self._consumer = None
