"""Keep a program's households read model up to date from the registry's compacted topic.

    python -m shared.programs.readmodel <service>

Its own consumer group per service; reads from the beginning the first time (the topic is
compacted: the latest file of every household), then follows."""
from __future__ import annotations

import sys

from shared.config import Settings
from shared.events.consumers import subscription
from shared.events.topics import Topics
from shared.events.types.registry import HOUSEHOLD_SNAPSHOT
from shared.kafka.consumer import Rejected
from shared.kafka.serve import serve
from shared.programs.households import HouseholdView


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
    declared = subscription(f"{service}-households")
    settings = declared.settings(Settings.from_env(service))

    def handler_for(db):
        view = HouseholdView(db)
        view.ensure_indexes()
        return make_handler(view)

    return serve(settings, declared.process, declared.topics(Topics(settings.topic_prefix)), handler_for)


if __name__ == "__main__":
    sys.exit(main())
