"""The webhooks worker: ``python -m services.webhooks.worker``.

One process, three jobs: the consumer of the consolidated stream records a delivery per
matching (event, endpoint) before committing the offset; the dispatcher delivers what is due
on a thread pool; the forwarder passes partners' reports on to programs that were down.
Stops cleanly on SIGTERM; SIGKILLed, it loses nothing (everything is in the store)."""
from __future__ import annotations

import logging
import sys
import threading

from prometheus_client import Counter

from shared.auth.store import AuthStore
from shared.config import Settings
from shared.events.consumers import subscription
from shared.events.topics import Topics
from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import ConsumerLoop
from shared.logs import configure_logging
from shared.store import auth_db, make_client, service_db
from services.webhooks.config import WebhookSettings
from services.webhooks.adapters.service_token import ServiceCredential
from services.webhooks.service import Webhooks
from services.webhooks.delivery.dispatch import Dispatcher
from services.webhooks.delivery.intake import Intake

log = logging.getLogger(__name__)
ATTEMPTS = Counter("jingzhun_webhook_attempts_total", "Webhook delivery attempts", ["outcome"])


def forward_loop(service: Webhooks, stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            service.forward_due()
        except Exception:
            log.exception("forwarding reports failed")
        stop.wait(interval)


def main() -> int:
    declared = subscription("webhooks-worker")
    settings = declared.settings(Settings.from_env("webhooks"))
    hooks = WebhookSettings.from_env()
    configure_logging("webhooks-worker", settings.log_level)
    ensure_topics(settings)
    client = make_client(settings)
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        # The same service object the web app builds (app.py); the delivery parts use its repositories.
        db = service_db(client, settings)
        credential = ServiceCredential(db, AuthStore(auth_db(client, settings)), settings.secret_key)
        service = Webhooks.build(db, credential, hooks, settings.service_urls)
        intake = Intake(service.partners, service.deliveries)
        dispatcher = Dispatcher(service.partners, service.deliveries, hooks, ATTEMPTS)
        threads += [threading.Thread(target=dispatcher.run, args=(stop,), name="dispatch", daemon=True),
                   threading.Thread(target=forward_loop, args=(service, stop, max(hooks.poll_interval, 1.0)),
                                    name="forward", daemon=True)]
        for t in threads:
            t.start()
        loop = ConsumerLoop(settings, declared.topics(Topics(settings.topic_prefix)),
                            lambda envelope, event_type, position: intake.handle(envelope, event_type, position))
        loop.install_signal_handlers()
        log.info("webhooks worker started", extra={"group": settings.consumer_group, "threads": hooks.threads})
        loop.run()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)   # an attempt in flight finishes (bounded by the request timeout)
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
