"""The registry's consumer: applies every program topic, and the registry's own topic, to
household summaries, histories, versions and area statistics — each event exactly once —
and publishes what it derives (the consolidated stream's record of each applied event, a
warning on the registry's topic) in each poll's Kafka transaction with the poll's offsets.

``python -m services.registry.consumer`` — one consumer group; run more of them to scale
out by partition. Stops cleanly on SIGTERM."""
from __future__ import annotations

import logging
import sys

from shared.config import Settings
from shared.events.consumers import subscription
from shared.events.topics import Topics
from shared.kafka.consumer import Rejected
from shared.kafka.serve import serve
from services.registry.adapters.change_requests import ChangeRequests
from services.registry.adapters import layout_upgrade
from services.registry.adapters.events import EventApplier
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import IdProtection
from services.registry.adapters.system_changes import SystemChanges
from services.registry import outbox

log = logging.getLogger(__name__)
NOT_ON_INPUT_TOPICS = ("cn.jingzhun.registry.household.snapshot.v1", "cn.jingzhun.registry.assistance.recorded.v1")


def make_handler(applier: EventApplier, topics: Topics, topic_of=None):
    """``topic_of``: the topic of a derived event's type (services/registry/outbox.py)."""
    def handle(envelope, event_type, position):
        if envelope.type in NOT_ON_INPUT_TOPICS:
            raise Rejected(f"{envelope.type} is an output of the registry, not an input")
        if (event_type.program == "registry") != (position.topic == topics.registry):
            raise Rejected(f"{envelope.type} does not belong on {position.topic}")
        if envelope.data.get("household_id") != envelope.subject:
            raise Rejected("data.household_id does not match the event subject")
        if not applier.apply(envelope, event_type, position):
            raise Rejected(f"unknown household {envelope.subject}")
    handle.prepare = applier.prepare  # the loop calls it with a poll's record keys (household ids)
    # … this before committing the poll's offsets, with the events it derives to publish
    handle.flush = lambda: [(topic_of(event["type"]), event) for event in applier.flush()]
    handle.discard = applier.discard  # … and this when it will hand the batch again
    return handle


def main() -> int:
    declared = subscription("registry-consumer")
    settings = declared.settings(Settings.from_env("registry"))
    topics = Topics(settings.topic_prefix)

    def handler_for(db):
        system_changes = SystemChanges(HouseholdRepository(db, IdProtection(settings)), ChangeRequests(db))
        applier = EventApplier(db, system_changes)
        applier.ensure_indexes()
        # Before the first poll: a redelivery must find the offsets the old documents held.
        upgraded = applier.stats.upgrade()
        if upgraded:
            log.info("statistics upgraded", extra=upgraded)
        moved = layout_upgrade.upgrade(db)
        if moved:
            log.info("household summaries and warnings moved out of the files", extra=moved)
        return make_handler(applier, topics, outbox.topic_of(settings))

    return serve(settings, declared.process, declared.topics(topics), handler_for,
                 max_poll_records=settings.ingest_poll_records, transactional=True)


if __name__ == "__main__":
    sys.exit(main())
