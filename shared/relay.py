"""The outbox relay: publishes events recorded in a service's documents, then marks them sent.

Run one per service: ``python -m shared.relay <service>``. Which collections carry an
outbox, and where each event type goes, is declared by the service (``OUTBOX`` in
``services/<name>/outbox.py``).
"""
from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import threading

from shared.config import Settings
from shared.kafka.admin import ensure_topics
from shared.kafka.producer import make_producer, send_envelope
from shared.logs import configure_logging
from shared.outbox import envelopes_of, mark_sent, pending
from shared.store import make_client, service_db

log = logging.getLogger(__name__)


class Relay:
    def __init__(self, settings: Settings, collections: list[str], route):
        """``route(envelope) -> topic`` says where each event goes."""
        self.settings = settings
        self.collection_names = collections
        self.route = route
        self._stop = threading.Event()

    def stop(self, *_):
        self._stop.set()

    def run_once(self, db, producer) -> int:
        """Publish one batch from every collection; return how many events were sent."""
        batch = []
        for name in self.collection_names:
            for doc in pending(db[name], self.settings.relay_batch):
                envelopes = envelopes_of(doc)
                if envelopes:
                    batch.append((name, doc, envelopes))
        if not batch:
            return 0
        # Oldest first across documents, so one household's events keep their order.
        batch.sort(key=lambda item: item[2][0].time)
        self._fault("crash_before_publish")
        for _, _, envelopes in batch:
            for envelope in envelopes:
                send_envelope(producer, self.route(envelope), envelope)
        producer.flush()
        self._fault("crash_after_publish")
        for name, doc, envelopes in batch:
            mark_sent(db[name], doc, [e.id for e in envelopes])
        sent = sum(len(e) for _, _, e in batch)
        log.info("relayed", extra={"events": sent})
        return sent

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
        try:
            while not self._stop.is_set():
                if self.run_once(db, producer) == 0:
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
