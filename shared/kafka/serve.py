"""Run a consumer process: logs, topics, store client, the loop, clean stop on SIGTERM.
Every consumer entry point (registry consumer, read models) is this plus its handler."""
from __future__ import annotations

import faulthandler
import logging
import os
import signal
import socket
from typing import Callable

from pymongo.database import Database

from shared.config import Settings
from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import ConsumerLoop, Handler
from shared.logs import configure_logging
from shared.store import make_client, service_db

log = logging.getLogger(__name__)


def serve(settings: Settings, process: str, topics: list[str], handler_for: Callable[[Database], Handler],
          max_poll_records: int = 500, transactional: bool = False) -> int:
    """``transactional``: each poll in one Kafka transaction (shared/kafka/consumer.py)."""
    configure_logging(process, settings.log_level)
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>`: every thread's stack on stderr
    ensure_topics(settings)
    client = make_client(settings)
    try:
        loop = ConsumerLoop(settings, topics, handler_for(service_db(client, settings)), max_poll_records=max_poll_records,
                            transactional_id=transactional_id(settings) if transactional else None)
        loop.install_signal_handlers()
        log.info("consumer started", extra={"consumer": process, "group": settings.consumer_group})
        loop.run()
    finally:
        client.close()
    return 0


def transactional_id(settings: Settings) -> str:
    """Unique among running consumers, stable across a restart where the process has a name
    (see ``Settings.transactional_id``)."""
    if settings.transactional_id:
        return settings.transactional_id
    name = os.environ.get("JINGZHUN_PROCESS") or str(os.getpid())
    return f"{settings.consumer_group}.{socket.gethostname()}.{name}"
