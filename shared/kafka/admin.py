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
        return created
    finally:
        admin.close()


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
