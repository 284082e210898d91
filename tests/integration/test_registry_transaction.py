"""The registry consumer killed inside a Kafka transaction — its poll's history, statistics and
summaries written, its stream records sent, the transaction not committed — loses nothing and
publishes nothing twice: the restarted consumer (same process name, so the same transactional
id) aborts the open transaction, handles the poll again and publishes its events once; readers
of the stream, which read committed, never see the aborted copies."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter

from bench import workload
from deploy.local.processes import ROOT
from services.registry.adapters.events import EventApplier
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import IdProtection
from shared.events.envelope import Envelope
from shared.kafka.producer import make_producer, send_envelope
from tests.integration.registry_support import stored_summary
from tests.support import read_topic, wait_until

HOUSEHOLDS, EVENTS = 5, 40


def _stream(bootstrap, topic, expect, committed=True, timeout=10):
    from kafka import KafkaConsumer
    if committed:
        records = read_topic(bootstrap, topic, expect, timeout=timeout)
    else:
        consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                 enable_auto_commit=False, group_id=None, isolation_level="read_uncommitted")
        records = []
        try:
            for _ in range(10):
                for batch in consumer.poll(timeout_ms=500).values():
                    records.extend(batch)
        finally:
            consumer.close()
    return [Envelope.from_kafka(r.key, r.value, r.headers) for r in records]


def test_killed_inside_its_transaction_the_consumer_publishes_each_event_once(system, tmp_path):
    settings = system.settings["registry"]
    db = system.db("registry")
    items = workload.households(HOUSEHOLDS)
    HouseholdRepository(db, IdProtection(settings)).create_many(items, by="test")
    EventApplier(db).ensure_indexes()
    events = workload.events([hid for hid, _ in items], EVENTS)
    producer = make_producer(settings, client_id="test-produce")
    for program, envelope in events:
        send_envelope(producer, system.topics.program(program), envelope)
    producer.flush()
    producer.close()

    marker = tmp_path / "paused"
    # A short session: the group gives the killed member's partitions away sooner.
    quick = {"CONSUMER_SESSION_TIMEOUT_MS": "6000"}
    env = {**system.procs.env, **quick, "JINGZHUN_PROCESS": "registry-consumer", "PAUSED_MARKER": str(marker)}
    paused = subprocess.Popen([sys.executable, "-m", "tests.integration.paused_registry_consumer"], cwd=ROOT, env=env,
                              stdout=open(tmp_path / "paused.log", "wb"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        wait_until(marker.exists, timeout=90, message="the consumer inside its transaction")
        os.kill(paused.pid, signal.SIGKILL)
    finally:
        paused.kill()
        paused.wait(timeout=10)
    bootstrap, stream = settings.kafka_bootstrap_servers, system.topics.stream
    written = db["history"].count_documents({})
    assert written > 0, "the poll's store writes were made before the kill"
    assert _stream(bootstrap, stream, 1, timeout=3) == [], "nothing of the open transaction is visible"
    assert len(_stream(bootstrap, stream, written, committed=False)) >= written, "its records were sent"

    system.procs.start("registry-consumer", quick)  # JINGZHUN_PROCESS is its name: the same transactional id
    published = wait_until(lambda: (lambda s: s if len(s) >= EVENTS else None)(_stream(bootstrap, stream, EVENTS)),
                           timeout=120, message="every event in the stream")
    counts = Counter(e.data["event_id"] for e in published)
    assert sorted(counts) == sorted(envelope.id for _, envelope in events)
    assert set(counts.values()) == {1}, "each event once in the stream"
    assert len(_stream(bootstrap, stream, EVENTS + 1, timeout=3)) == EVENTS
    assert db["history"].count_documents({}) == EVENTS
    per_household = Counter(envelope.subject for _, envelope in events)
    for hid, count in per_household.items():
        assert stored_summary(db, hid)["events"] == count
