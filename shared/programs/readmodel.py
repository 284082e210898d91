"""Keep a program's households read model up to date from the registry's compacted topic.

    python -m shared.programs.readmodel <service>

Its own consumer group per service; reads from the beginning the first time (the topic is
compacted: the latest file of every household), then follows."""
from __future__ import annotations

import logging
import sys

from shared.config import Settings
from shared.events.topics import Topics
from shared.events.types.registry import HOUSEHOLD_SNAPSHOT
from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import ConsumerLoop, Rejected
from shared.logs import configure_logging
from shared.programs.households import HouseholdView
from shared.store import make_client, service_db

log = logging.getLogger(__name__)


def make_handler(view: HouseholdView):
    def handle(envelope, event_type, position):
        if envelope.type != HOUSEHOLD_SNAPSHOT.type:
            raise Rejected(f"{envelope.type} does not belong on the households topic")
        view.apply_snapshot(envelope.data)
    return handle


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m shared.programs.readmodel <service>", file=sys.stderr)
        return 2
    service = argv[0]
    settings = Settings.from_env(service)
    settings = settings.with_(consumer_group=f"{settings.topic_prefix}.{service}.households")
    configure_logging(f"{service}-households", settings.log_level)
    ensure_topics(settings)
    client = make_client(settings)
    view = HouseholdView(service_db(client, settings))
    view.ensure_indexes()
    loop = ConsumerLoop(settings, [Topics(settings.topic_prefix).households], make_handler(view))
    loop.install_signal_handlers()
    log.info("households read model started", extra={"group": settings.consumer_group})
    try:
        loop.run()
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
