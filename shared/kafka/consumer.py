"""A consumer loop that commits offsets only after the handler has written to the store.

The handler gets a validated ``Envelope``, its ``EventType`` and its ``Position`` and must
be idempotent. A handler may have a ``flush()`` for writes it batches per poll: the loop
calls it after the poll's records and before committing their offsets (a record may be
delivered again after a crash). A record that cannot be applied — not an event, unknown
type, invalid data, or a ``Rejected`` raised by the handler — goes to the dead-letter
topic with the reason, and the partition keeps moving. Any other exception (the store is
down, say) stops the loop without committing, so the record is retried after restart.
"""
from __future__ import annotations

import logging
import signal
import threading
from typing import Callable, Iterable

from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition

from shared.config import Settings
from shared.events.catalogue import CATALOGUE, EventType, InvalidEvent
from shared.events.envelope import Envelope, utcnow_iso
from shared.events.topics import Topics
from shared.kafka.position import Position
from shared.kafka.producer import make_producer

log = logging.getLogger(__name__)


class Rejected(Exception):
    """Raised by a handler for an event that can never be applied (e.g. unknown household)."""


Handler = Callable[[Envelope, EventType, Position], None]


class ConsumerLoop:
    def __init__(self, settings: Settings, topics: Iterable[str], handler: Handler,
                 group_id: str | None = None, metrics=None, auto_offset_reset: str = "earliest",
                 deadletter: bool = True):
        self.settings = settings
        self.topics = list(topics)
        self.handler = handler
        self.group_id = group_id or settings.consumer_group
        self.metrics = metrics
        self.auto_offset_reset = auto_offset_reset
        # A rebuild replays what was dead-lettered before: it counts it, it does not publish it again.
        self.deadletter_topic = Topics(settings.topic_prefix).deadletter if deadletter else None
        self.deadlettered = 0
        self._stop = threading.Event()
        self._consumer: KafkaConsumer | None = None
        self._producer = None

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
            max_poll_records=500,
            isolation_level="read_committed",
        )
        self._producer = make_producer(self.settings, client_id=f"{self.settings.service}-deadletter")

    def run(self, stop_at_end: bool = False, progress=None):
        """Poll until stop() (SIGTERM). With ``stop_at_end``, stop once every assigned
        partition is read up to the end it had when first assigned (rebuilds)."""
        self._open()
        ends = None
        try:
            while not self._stop.is_set():
                batches = self._consumer.poll(timeout_ms=500)
                if batches:
                    self._process(batches)
                    if progress:
                        progress(sum(len(r) for r in batches.values()))
                if stop_at_end:
                    assigned = self._consumer.assignment()
                    if assigned and ends is None:
                        ends = self._consumer.end_offsets(list(assigned))
                    if ends is not None and all(self._consumer.position(tp) >= ends.get(tp, 0) for tp in assigned):
                        break
        finally:
            self.close()

    def _process(self, batches: dict):
        offsets = {}
        for tp, records in batches.items():
            for record in records:
                self._handle(record)
                offsets[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
                if self._stop.is_set():
                    break
            if self._stop.is_set():
                break
        # Batched store writes and dead-letters must be durable before we move past their records.
        flush = getattr(self.handler, "flush", None)
        if flush is not None:
            flush()
        self._producer.flush()
        if offsets:
            self._consumer.commit(offsets)

    def _handle(self, record):
        try:
            envelope = Envelope.from_kafka(record.key, record.value, record.headers)
            event_type = CATALOGUE.check(envelope)
            self.handler(envelope, event_type, Position(record.topic, record.partition, record.offset))
            self._count("applied", record.topic)
        except (InvalidEvent, ValueError, Rejected) as exc:
            self._deadletter(record, str(exc))

    def _deadletter(self, record, reason: str):
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
        if self.deadletter_topic:
            self._producer.send(self.deadletter_topic, key=record.key, value=record.value or b"", headers=headers)
        self._count("deadlettered", record.topic)

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
