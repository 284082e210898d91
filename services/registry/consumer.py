"""The registry's consumer: applies every program topic to household files and history.

``python -m services.registry.consumer`` — one consumer group; run more of them to scale
out by partition. Stops cleanly on SIGTERM.
"""
from __future__ import annotations

import logging
import sys

from shared.config import Settings
from shared.events.topics import Topics
from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import ConsumerLoop, Rejected
from shared.logs import configure_logging
from shared.store import make_client, service_db
from services.registry.adapters.households import HouseholdRepository

log = logging.getLogger(__name__)


def make_handler(repository: HouseholdRepository):
    def handle(envelope, event_type):
        if event_type.program == "registry":
            raise Rejected(f"registry events are not accepted on program topics: {envelope.type}")
        if envelope.data.get("household_id") != envelope.subject:
            raise Rejected("data.household_id does not match the event subject")
        if not repository.apply_assistance(envelope, event_type):
            raise Rejected(f"unknown household {envelope.subject}")
    return handle


def main() -> int:
    settings = Settings.from_env("registry")
    configure_logging("registry-consumer", settings.log_level)
    ensure_topics(settings)
    client = make_client(settings)
    repository = HouseholdRepository(service_db(client, settings))
    repository.ensure_indexes()
    loop = ConsumerLoop(settings, Topics(settings.topic_prefix).programs, make_handler(repository))
    loop.install_signal_handlers()
    log.info("registry consumer started", extra={"group": settings.consumer_group})
    try:
        loop.run()
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
