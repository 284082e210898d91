"""The outbox relay: publishes events recorded in a service's documents, then marks them sent.

Run one per service: ``python -m shared.relay <service>``. Which collections carry an
outbox, and where each event type goes, is declared by the service (``OUTBOX`` in
``services/<name>/outbox.py``).

Per batch, a fixed number of store round trips whatever its size (see ``shared.outbox``):
the marks (one find) and the documents that must be read (one find per collection); the
batch recorded (one insert), which lets its marks be deleted (one delete_many, both in a
helper thread) while its events are produced and the broker's acks are awaited once; then
one small insert that says the broker has it. Under a backlog the helper
also reads the next batch meanwhile. A relay that starts (or recovers from an error)
publishes again every recorded batch the broker had not acknowledged, before anything else.

Clearing the sent events out of their documents costs the local store one rewrite per
document however it is sent, so it is done between batches (``compact``): whenever a batch
was not full, and at least every ``COMPACT_EVERY_S`` under a backlog.
"""
from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import threading
import time

from kafka.errors import KafkaError
from pymongo.errors import ConnectionFailure

from shared import heartbeat
from shared.config import Settings
from shared.events.envelope import Envelope
from shared.kafka.admin import ensure_topics
from shared.kafka.producer import make_producer, send_envelope
from shared.logs import configure_logging
from shared.outbox import (acknowledge, claim, claimed_events, claims, clear_marks, compact, marked, pending, remark,
                           to_publish)
from shared.store import make_client, service_db

log = logging.getLogger(__name__)
# A writer that died between its write and its mark is found by this sweep.
SWEEP_EVERY_S = 60
# Sent events are cleared from their documents between batches; under a backlog, still this often.
COMPACT_EVERY_S = 10.0
RETRY_AFTER_S = 1.0


class NotPublished(Exception):
    """The broker did not acknowledge part of a batch; it is published again."""


class Relay:
    def __init__(self, settings: Settings, collections: list[str], route):
        """``route(envelope) -> topic`` says where each event goes."""
        self.settings = settings
        self.collection_names = collections
        self.route = route
        self._stop = threading.Event()
        self.saturated = False  # the last batch was full: a backlog
        # Events recorded in a batch and not yet cleared from their documents: loaded from
        # the store at start (and after an error), then kept here.
        self.sent: set | None = None
        self._next = None  # the next batch, read while the last one was being published

    def stop(self, *_):
        self._stop.set()

    def run_once(self, db, producer, sweep: bool = False) -> int:
        """Publish one batch; return how many events were sent. Normally only what writers
        marked is read; ``sweep`` first marks what flagged documents hold unsent with no mark
        (a writer died between its write and its mark), every collection (start-up, then
        now and then)."""
        sent = 0
        if self.sent is None:
            self._next = None
            sent += self._recover(db, producer)
        if sweep:
            for name in self.collection_names:
                remark(db, name, pending(db[name], self.settings.relay_batch), self.sent)
        marks, batch = self._next or self._read(db)
        self._next = None
        self.saturated = len(marks) >= self.settings.relay_batch
        if not marks:
            return sent
        # Oldest first across documents, so one household's events keep their order.
        batch.sort(key=lambda item: item[2][0].time)
        self.sent.update(e.id for _, _, envelopes, _ in batch for e in envelopes)
        helper = _Helper(self, db, marks, batch, prefetch=self.saturated)
        try:
            if batch:
                self._fault("crash_before_publish")
                self._publish(producer, [e for _, _, envelopes, _ in batch for e in envelopes])
                self._fault("crash_after_publish")
            self._next = helper.join()
            if batch:
                acknowledge(db, [helper.record_id])
                self._fault("crash_after_recording")
        except BaseException:
            helper.thread.join()
            self.sent, self._next = None, None  # what the broker may not have: published again first
            raise
        sent += sum(len(item[2]) for item in batch)
        if sent:
            log.info("relayed", extra={"events": sent, "documents": len(batch)})
        return sent

    def _read(self, db):
        marks = marked(db, self.settings.relay_batch)
        batch = [(name, doc_id, [Envelope.from_dict(raw) for raw in events], rev)
                 for name, doc_id, events, rev in to_publish(db, self.collection_names, marks, self.sent)]
        return marks, batch

    def _publish(self, producer, envelopes: list[Envelope]) -> None:
        futures = [send_envelope(producer, self.route(envelope), envelope) for envelope in envelopes]
        producer.flush()
        # flush() also returns when a send has failed (delivery timeout with the broker
        # away): acknowledge only what the broker acknowledged, or it would be lost.
        failed = [f.exception for f in futures if f.failed()]
        if failed:
            raise NotPublished(f"{len(failed)} event(s) not acknowledged by the broker: {failed[0]!r}")

    def _recover(self, db, producer) -> int:
        """Load what was recorded and not cleared yet; publish again the batches the broker
        had not acknowledged (the relay died or failed between recording and the acks):
        their events are still in their documents."""
        records, acked = claims(db)
        unacked = [(record_id, items) for record_id, items in records if record_id not in acked]
        envelopes = [Envelope.from_dict(raw) for raw in claimed_events(db, [i for _, items in unacked for i in items])]
        if envelopes:
            self._publish(producer, envelopes)
        if unacked:
            acknowledge(db, [record_id for record_id, _ in unacked])
        self.sent = {event_id for _, items in records for item in items for event_id in item["e"]}
        return len(envelopes)

    def tidy(self, db) -> int:
        """Clear one published batch out of its documents; how many events were cleared."""
        cleared = compact(db, self._fault)
        if self.sent is not None:
            self.sent -= cleared
        return len(cleared)

    def _fault(self, point: str):
        # Test hook (JINGZHUN_RELAY_FAULT): SIGKILL ourselves at a chosen point, so the
        # outbox tests can kill the relay exactly between the write and the publish.
        if self.settings.relay_fault == point:
            log.warning("fault injected", extra={"point": point})
            os.kill(os.getpid(), signal.SIGKILL)

    def run(self):
        client = make_client(self.settings)
        db = service_db(client, self.settings)
        producer = make_producer(self.settings, client_id=f"{self.settings.service}-relay")
        next_sweep = next_tidy = 0.0
        try:
            while not self._stop.is_set():
                heartbeat.beat()
                sweep = time.monotonic() >= next_sweep
                if sweep:
                    next_sweep = time.monotonic() + SWEEP_EVERY_S
                try:
                    sent = self.run_once(db, producer, sweep=sweep)
                    tidied = 0
                    if not self.saturated or time.monotonic() >= next_tidy:
                        next_tidy = time.monotonic() + COMPACT_EVERY_S
                        tidied = self.tidy(db)
                except (ConnectionFailure, KafkaError, NotPublished) as exc:
                    # The store or the broker is away: what the broker did not acknowledge
                    # goes out again once it is back (consumers deduplicate a second copy).
                    # Waiting here, not exiting, keeps a local run without a supervisor alive.
                    log.warning("relay waiting for the store or broker", extra={"error": repr(exc)[:500]})
                    next_sweep = 0.0
                    self._stop.wait(RETRY_AFTER_S)
                    continue
                if sent == 0 and tidied == 0:
                    self._stop.wait(self.settings.relay_interval_ms / 1000)
        finally:
            producer.close(timeout=10)  # bounded, so SIGTERM ends us even with the broker gone
            client.close()


class _Helper:
    """While the relay's thread publishes a batch: records it, then deletes its marks (the
    record says what they said) and, under a backlog, reads the next batch."""

    def __init__(self, relay: Relay, db, marks, batch, prefetch: bool):
        self.relay, self.db, self.marks, self.batch, self.prefetch = relay, db, marks, batch, prefetch
        self.record_id, self.result, self.error = None, None, None
        self.thread = threading.Thread(target=self._run, name="relay-helper", daemon=True)
        self.thread.start()

    def _run(self):
        try:
            if self.batch:
                self.record_id = claim(self.db, [(name, doc_id, [e.id for e in envelopes], rev)
                                                 for name, doc_id, envelopes, rev in self.batch])
            clear_marks(self.db, [mark for _, _, mark in self.marks])
            if self.prefetch:
                self.result = self.relay._read(self.db)
        except BaseException as exc:  # handed to the relay's thread by join()
            self.error = exc

    def join(self):
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.result


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m shared.relay <service>", file=sys.stderr)
        return 2
    service = argv[0]
    settings = Settings.from_env(service)
    configure_logging(f"{service}-relay", settings.log_level)
    ensure_topics(settings)  # the broker does not auto-create topics
    outbox = importlib.import_module(f"services.{service}.outbox")
    relay = Relay(settings, outbox.COLLECTIONS, outbox.router(settings))
    signal.signal(signal.SIGTERM, relay.stop)
    signal.signal(signal.SIGINT, relay.stop)
    log.info("relay started", extra={"collections": outbox.COLLECTIONS})
    relay.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

