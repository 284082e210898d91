"""Helpers for tests that run against the real broker and store (never fakes)."""
from __future__ import annotations

import functools
import os
import secrets
import socket
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_KAFKA_PORT = int(os.environ.get("TEST_KAFKA_PORT", "19092"))
TEST_MONGO_PORT = int(os.environ.get("TEST_MONGO_PORT", "28017"))
PASSWORD = "test-password-1"

# One user per role (and scope) the tests use.
USERS = {
    "central": ("central", None, None),
    "auditor": ("auditor", None, None),
    "county_wudu": ("county_operator", "621202", None),
    "county_wudu_head": ("county_operator", "621202", None),   # a second person: approves what others checked
    "county_wenxian": ("county_operator", "621222", None),
    "cadre_wudu": ("village_cadre", "621202", None),
    "ecommerce_op": ("program_operator", None, "ecommerce"),
    "tourism_op": ("program_operator", None, "tourism"),
    "microcredit_op": ("program_operator", None, "microcredit"),
    "relocation_op": ("program_operator", None, "relocation"),
}


# The official areas the tests name (Gansu: Longnan's counties and villages).
GAZETTEER_PROVINCES = ["62"]


def load_gazetteer(provinces: list[str]) -> None:
    """The official areas of ``provinces`` in the store MONGO_URL names, loaded once for every
    test system (one database: JINGZHUN_GAZETTEER_DB)."""
    from shared.config import Settings
    from shared.gazetteer.store import Gazetteer
    from shared.store import gazetteer_db, make_client
    settings = Settings.from_env("tests")
    client = make_client(settings)
    try:
        Gazetteer(gazetteer_db(client, settings)).ensure(provinces)
    finally:
        client.close()


@functools.lru_cache(maxsize=None)
def official_villages(county: str) -> tuple[str, ...]:
    """The official village codes of ``county`` (its province loaded by the session), in code
    order: for tests that spread many households over real villages."""
    from shared.config import Settings
    from shared.gazetteer.store import Gazetteer
    from shared.store import gazetteer_db, make_client
    settings = Settings.from_env("tests")
    client = make_client(settings)
    try:
        gazetteer = Gazetteer(gazetteer_db(client, settings))
        return tuple(v["_id"] for township in gazetteer.children(county) for v in gazetteer.children(township["_id"]))
    finally:
        client.close()


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout: float = 30, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last value: {last!r})")


def unique_prefix(label: str) -> str:
    return f"t{int(time.time()) % 10**7}{label}{secrets.token_hex(2)}"


def isolated_env(label: str) -> dict:
    """Environment for one test module: its own databases and topics on the shared stack."""
    prefix = unique_prefix(label)
    return {
        "KAFKA_BOOTSTRAP_SERVERS": os.environ["KAFKA_BOOTSTRAP_SERVERS"],
        "MONGO_URL": os.environ["MONGO_URL"],
        "JINGZHUN_DB_PREFIX": prefix,
        "JINGZHUN_TOPIC_PREFIX": prefix,
        "SECRET_KEY": "test-secret-" + prefix,
        "RELAY_INTERVAL_MS": "100",
        "LOG_LEVEL": "INFO",
        "JINGZHUN_DEV": "1",
    }


def read_topic(bootstrap: str, topic: str, expect: int, timeout: float = 20) -> list:
    """Read a topic from the beginning until ``expect`` records or the timeout, as every reader
    of the system does: only what was committed (the registry consumer writes in transactions)."""
    from kafka import KafkaConsumer
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None, consumer_timeout_ms=1000,
                             isolation_level="read_committed")
    records, deadline = [], time.monotonic() + timeout
    try:
        while len(records) < expect and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records


def wait_group_caught_up(bootstrap: str, group: str, topic: str, timeout: float = 60):
    """Until the consumer group's committed offsets reach the end of every partition."""
    from kafka import KafkaConsumer, TopicPartition

    def caught_up():
        # committed() asks the group coordinator without joining the group.
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
        try:
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
            ends = consumer.end_offsets(partitions)
            return bool(partitions) and all((consumer.committed(tp) or 0) >= ends[tp] for tp in partitions)
        finally:
            consumer.close(autocommit=False)

    wait_until(caught_up, timeout=timeout, interval=0.5, message=f"group {group} caught up on {topic}")


def users_with_tokens(mongo, settings, token_name: str = "tests", users: dict | None = None) -> dict:
    """Every user of USERS (or ``users``) in the auth store, each with a fresh API token."""
    from shared.auth.store import AuthStore
    from shared.store import auth_db
    store = AuthStore(auth_db(mongo, settings))
    tokens = {}
    for username, (role, county, program) in (users or USERS).items():
        store.upsert_user(username, PASSWORD, role, county, program, display_name=username)
        tokens[username] = store.issue_token(username, token_name)
    return tokens
