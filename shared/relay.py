"""The outbox relay: publishes events recorded in a service's documents, then marks them sent.

Run one per service: ``python -m shared.relay <service>``. Which collections carry an
outbox, and where each event type goes, is declared by the service (``OUTBOX`` in
``services/<name>/outbox.py``).

Per batch, a fixed number of store round trips whatever its size: the marks (one find), the
documents they name (one find per collection), their events produced and the broker's acks
awaited once, then one insert of the sent records and one delete of the marks (see
``shared.outbox``). Clearing the sent events out of their documents costs the local store
one rewrite per document however it is sent, so it is done between batches (``compact``):
whenever a batch was not full, and at least every ``COMPACT_EVERY_S`` under a backlog.
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
from shared.outbox import clear_marks, compact, marked, pending, record_sent, remark, sent_ids, to_publish
from shared.store import make_client, service_db

log = logging.getLogger(__name__)
# A writer that died between its write and its mark is found by this sweep.
SWEEP_EVERY_S = 60
# Sent events are cleared from their documents between batches; under a backlog, still this often.
COMPACT_EVERY_S = 10.0
RETRY_AFTER_S = 1.0


class NotPublished(Exception):
    """The broker did not acknowledge part of a batch; nothing of it is marked sent."""


class Relay:
    def __init__(self, settings: Settings, collections: list[str], route):
        """``route(envelope) -> topic`` says where each event goes."""
        self.settings = settings
        self.collection_names = collections
        self.route = route
        self._stop = threading.Event()
        self.saturated = False  # the last batch was full: a backlog
        self.sent: set | None = None  # events published, not yet cleared from their documents

    def stop(self, *_):
        self._stop.set()

    def run_once(self, db, producer, sweep: bool = False) -> int:
        """Publish one batch; return how many events were sent. Normally only the documents
        writers marked are read; ``sweep`` first marks what flagged documents hold unsent (a
        writer died between its write and its mark), every collection (start-up, then now
        and then)."""
        limit = self.settings.relay_batch
        if self.sent is None:
            self.sent = sent_ids(db)
        if sweep:
            for name in self.collection_names:
                remark(db, name, pending(db[name], limit), self.sent)
        marks = marked(db, limit)
        self.saturated = len(marks) >= limit
        batch = [(name, doc_id, [Envelope.from_dict(raw) for raw in events], rev)
                 for name, doc_id, events, rev in to_publish(db, self.collection_names, marks, self.sent)]
        if batch:
            # Oldest first across documents, so one household's events keep their order.
            batch.sort(key=lambda item: item[2][0].time)
            self._fault("crash_before_publish")
            futures = [send_envelope(producer, self.route(envelope), envelope)
                       for _, _, envelopes, _ in batch for envelope in envelopes]
            producer.flush()
            self._fault("crash_after_publish")
            # flush() also returns when a send has failed (delivery timeout with the broker
            # away): record as sent only what the broker acknowledged, or it would be lost.
            failed = [f.exception for f in futures if f.failed()]
            if failed:
                raise NotPublished(f"{len(failed)} event(s) not acknowledged by the broker: {failed[0]!r}")
            record_sent(db, [(name, doc_id, [e.id for e in envelopes], rev) for name, doc_id, envelopes, rev in batch])
            self.sent.update(e.id for _, _, envelopes, _ in batch for e in envelopes)
            self._fault("crash_after_recording")
        clear_marks(db, [mark for _, _, mark in marks])
        sent = sum(len(item[2]) for item in batch)
        if sent:
            log.info("relayed", extra={"events": sent, "documents": len(batch)})
        return sent

    def tidy(self, db) -> int:
        """Clear one published batch out of its documents; how many events were cleared."""
        cleared = compact(db, 1, self._fault)
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
                    # The store or the broker is away: nothing was marked sent, so the same
                    # events go out once it is back (consumers deduplicate a second copy).
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
