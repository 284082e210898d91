"""Kafka adapters: topic creation, the idempotent producer, the consumer loop with dead-letters."""
