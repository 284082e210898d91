"""The idempotent producer (acks=all): no duplicates from producer retries, nothing
acknowledged before every in-sync replica has it."""
from __future__ import annotations

from kafka import KafkaProducer

from shared.config import Settings
from shared.events.envelope import Envelope


def make_producer(settings: Settings, client_id: str | None = None, transactional_id: str | None = None,
                  transaction_timeout_ms: int = 60000) -> KafkaProducer:
    """With ``transactional_id``, a transactional producer (init_transactions is the caller's)."""
    extra = {"transactional_id": transactional_id, "transaction_timeout_ms": transaction_timeout_ms} \
        if transactional_id else {}
    return KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=client_id or f"{settings.service}-producer",
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        retries=2**31 - 1,
        max_in_flight_requests_per_connection=5,
        **extra,
    )


def send_envelope(producer: KafkaProducer, topic: str, envelope: Envelope):
    """Queue one event; returns the future. The caller flushes before marking it sent."""
    key, value, headers = envelope.to_kafka()
    return producer.send(topic, key=key, value=value, headers=headers)
