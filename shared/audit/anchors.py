"""The audit chains' heads, published outside the store.

A chain links each entry to the one before it, so cutting entries off its end leaves a
shorter chain that still verifies: nothing in the store says how long it was. So every
process that writes to the audit log publishes, every ``AUDIT_ANCHOR_INTERVAL_S``, the head
(number and hash) of each chain it wrote since, to a compacted topic of its own
(``<prefix>.audit-anchors.v1``, keyed by chain; ``main`` for the main chain). ``verify``
reads the anchors and checks that each anchored entry is still in the store, with the
hash it had: whoever can write to the store cannot also rewrite what the broker holds.

What is not covered: entries written after a chain's last anchor (at most one interval, or
the last moments of a process killed before it published them). Publishing never delays a
request: a daemon thread does it, and a broker that is away is tried again at the next
interval (the heads wait in memory; a newer head replaces an older one)."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time

from kafka import KafkaConsumer, TopicPartition

from shared.config import Settings
from shared.events.topics import Topics

log = logging.getLogger(__name__)


def audit_key(settings: Settings) -> bytes:
    """The chain's HMAC key: AUDIT_KEY(_FILE), or derived from SECRET_KEY (as the ID number
    key is). Either way a secret of the services, which the store's users do not hold."""
    if settings.audit_key:
        return settings.audit_key.encode()
    return hashlib.sha256(b"audit-chain:" + settings.secret_key.encode()).digest()


class AnchorPublisher:
    """Collects the heads a process writes (``note``) and publishes the changed ones from a
    daemon thread every ``interval`` seconds (``flush`` publishes at once)."""

    def __init__(self, settings: Settings, interval: float | None = None):
        self.settings = settings
        self.topic = Topics(settings.topic_prefix).audit_anchors
        self.interval = settings.audit_anchor_interval_s if interval is None else interval
        self._heads: dict[str, dict] = {}   # chain → its newest head not yet published
        self._lock = threading.Lock()
        self._pid = None                    # the process whose thread and producer these are
        self._producer = None
        self._wake = threading.Event()

    def note(self, chain: str, seq: int, hash_: str, at: str) -> None:
        with self._lock:
            current = self._heads.get(chain)
            if current is None or current["seq"] < seq:
                self._heads[chain] = {"chain": chain, "seq": seq, "hash": hash_, "at": at}
            if self._pid != os.getpid():   # first note in this process (or in a forked worker)
                self._pid, self._producer = os.getpid(), None
                threading.Thread(target=self._run, name="audit-anchors", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception as exc:   # noqa: BLE001 — the broker is away: the heads wait for the next turn
                log.warning("audit anchors not published; trying again", extra={"error": repr(exc)[:300]})

    def flush(self, timeout: float = 10) -> int:
        """Publish the heads noted since the last publish and wait for the broker's
        acknowledgement; returns how many. Heads not acknowledged are kept for the next time."""
        with self._lock:
            heads, self._heads = self._heads, {}
        if not heads:
            return 0
        try:
            producer = self._producer_of_this_process()
            futures = [producer.send(self.topic, key=chain.encode(), value=json.dumps(head).encode())
                       for chain, head in heads.items()]
            producer.flush(timeout=timeout)
            for future in futures:
                future.get(timeout=0)
        except Exception:
            with self._lock:   # put them back unless a newer head came meanwhile
                for chain, head in heads.items():
                    if chain not in self._heads:
                        self._heads[chain] = head
            raise
        return len(heads)

    def _producer_of_this_process(self):
        if self._producer is None:
            from shared.kafka.producer import make_producer
            self._producer = make_producer(self.settings, client_id=f"{self.settings.service}-audit-anchors")
        return self._producer


def read_anchors(settings: Settings, timeout_s: float = 30) -> dict[str, dict]:
    """The newest anchor of each chain on the topic: {chain: {chain, seq, hash, at}}.
    Raises when the broker cannot be read (verify must not pass silently without them)."""
    topic = Topics(settings.topic_prefix).audit_anchors
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None,
                             enable_auto_commit=False, client_id=f"{settings.service}-audit-verify",
                             request_timeout_ms=int(timeout_s * 1000) + 1000)
    try:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            return {}   # no process has published an anchor yet
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        anchors: dict[str, dict] = {}
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end within {timeout_s} s")
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    head = json.loads(record.value)
                    current = anchors.get(head["chain"])
                    if current is None or current["seq"] < head["seq"]:
                        anchors[head["chain"]] = head
        return anchors
    finally:
        consumer.close(autocommit=False)
