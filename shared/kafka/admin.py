"""Create the project's topics at start-up (idempotent)."""
from __future__ import annotations

import logging
import time

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from shared.config import Settings
from shared.events.topics import Topics

log = logging.getLogger(__name__)


def ensure_topics(settings: Settings, wait_s: float = 60.0) -> list[str]:
    """Create every missing topic; return the names created. Waits for the broker."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers,
                                     client_id=f"{settings.service}-admin")
            break
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    try:
        existing = set(admin.list_topics())
        wanted = Topics(settings.topic_prefix).all()
        new = [
            NewTopic(name, settings.topic_partitions, settings.topic_replication, topic_configs=config)
            for name, config in wanted.items() if name not in existing
        ]
        created = []
        for topic in new:  # one by one so a race with another starter is harmless
            try:
                admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        if created:
            log.info("topics created", extra={"topics": created})
            _wait_for_leaders(admin, created, deadline=time.monotonic() + 30)
        return created
    finally:
        admin.close()


def _wait_for_leaders(admin: KafkaAdminClient, topics: list[str], deadline: float) -> None:
    """Until every partition of the new topics has a leader. A consumer that subscribes
    before that is assigned only the partitions it saw, and ignores the others until its
    next metadata refresh (5 minutes): the fault tests, which create their topics and start
    every process at once, saw whole topics left unread, and a households read model that
    never learnt of a new household."""
    while time.monotonic() < deadline:
        try:
            described = admin.describe_topics(topics)
        except KafkaError:
            described = []
        if len(described) == len(topics) and all(
                t["error_code"] == 0 and t["partitions"] and all(p["leader_id"] >= 0 for p in t["partitions"])
                for t in described):
            return
        time.sleep(0.2)
    log.warning("topics created but not all partitions have a leader yet", extra={"topics": topics})


def main() -> int:
    """``python -m shared.kafka.admin``: create the topics and exit (docker-compose, ops)."""
    from shared.logs import configure_logging
    settings = Settings.from_env("admin")
    configure_logging("topics", settings.log_level)
    created = ensure_topics(settings, wait_s=120)
    print("created: " + (", ".join(created) if created else "nothing (all topics exist)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
