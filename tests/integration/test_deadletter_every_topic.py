"""Malformed, oversized, wrongly typed and unknown-type records on every consumed topic —
each program topic (from Topics), the registry's own topic, the households topic of every
program's read model (from the Procfile) — are dead-lettered with the reason, and a valid
event after them on the same partition is applied."""
from __future__ import annotations

import json
from collections import defaultdict

import pytest

from shared.config import Settings
from shared.events.catalogue import load_all_types
from shared.events.envelope import Envelope
from shared.events.topics import PROGRAMS, Topics
from shared.kafka.admin import ensure_topics
from shared.kafka.producer import make_producer, send_envelope
from shared.store import make_client
from deploy.local.processes import Processes, procfile
from tests.integration.conftest import NEW_HOUSEHOLD
from tests.integration.hardening_support import create_apps
from tests.support import USERS, isolated_env, read_topic, users_with_tokens, wait_until

CATALOGUE = load_all_types()
MAX_EVENT = 32 * 1024
SUBJECT = "H621202ABCDEFGHJK"
# What each bad record is, and the words its dead-letter reason must contain.
EXPECTED = {"malformed": "not valid JSON", "oversized": "too large", "wrongly_typed": "invalid data",
            "unknown_type": "unknown event type"}


def bad_records(event_type: str) -> dict[str, tuple]:
    """(value, headers) of each kind of bad record, carrying a type the topic expects."""
    valid = Envelope(event_type, "tests", SUBJECT, {"household_id": SUBJECT})
    _, _, headers = valid.to_kafka()
    unknown = Envelope("cn.jingzhun.nobody.thing.v1", "tests", SUBJECT, {"household_id": SUBJECT}).to_kafka()
    typed = Envelope(event_type, "tests", SUBJECT, {"household_id": 12, "recorded_by": {"$gt": ""}}).to_kafka()
    huge = json.dumps({"household_id": SUBJECT, "note": "x" * (MAX_EVENT + 1)}).encode()
    return {"malformed": (b"{not json", headers), "oversized": (huge, headers),
            "wrongly_typed": (typed[1], typed[2]), "unknown_type": (unknown[1], unknown[2])}


@pytest.fixture(scope="module")
def env(stack):
    env = isolated_env("deadletter")
    env.update(TOPIC_PARTITIONS="1", MAX_EVENT_BYTES=str(MAX_EVENT))   # one partition: "after" means after
    ensure_topics(Settings.from_env("registry", env))
    return env


@pytest.fixture(scope="module")
def delivered(env, tmp_path_factory):
    """The bad records first on every partition, the consumers started, then valid events after
    them: a household (registry topic, households topic) and an enrolment of it on every
    program topic. Built once for the module; the processes run until its end."""
    settings = Settings.from_env("registry", env)
    topics = Topics(env["JINGZHUN_TOPIC_PREFIX"])
    mongo = make_client(settings)
    token = users_with_tokens(mongo, settings, users={"central": USERS["central"]})["central"]
    readmodels = [name for name in procfile() if name.endswith("-households")]
    procs = Processes(tmp_path_factory.mktemp("deadletter-run"), env)
    producer = make_producer(settings, client_id="tests")
    try:
        # 1. the bad records, first on every partition
        consumed = {topics.program(p): CATALOGUE.for_program(p)[0].type for p in PROGRAMS}
        consumed[topics.registry] = next(t.type for t in CATALOGUE.for_program("registry") if "identified" in t.type)
        consumed[topics.households] = "cn.jingzhun.registry.household.snapshot.v1"
        for topic, event_type in consumed.items():
            for value, headers in bad_records(event_type).values():
                producer.send(topic, key=SUBJECT.encode(), value=value, headers=headers)
        producer.flush()
        for name in ["registry-consumer", "registry-relay", *readmodels]:
            procs.start(name)

        # 2. then valid events: a household (registry topic, households topic) and an
        #    enrolment of it on every program topic
        registry = create_apps(env)["registry"]
        r = registry.test_client().post("/api/households", json=NEW_HOUSEHOLD, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.get_json()
        hid = r.get_json()["id"]
        enrolments = {}
        for program in PROGRAMS:
            started = f"cn.jingzhun.{program}.enrolment.started.v1"
            envelope = CATALOGUE.new_event(started, program, hid, {
                "household_id": hid, "recorded_by": "tests", "enrolment_id": f"E-{program}", "enrolled_on": "2026-11-01"})
            send_envelope(producer, topics.program(program), envelope)
            enrolments[program] = envelope.id
        producer.flush()
        yield {"settings": settings, "topics": topics, "mongo": mongo, "readmodels": readmodels,
               "consumed": consumed, "hid": hid, "enrolments": enrolments}
    finally:
        producer.close()
        procs.stop_all()
        mongo.close()


def test_every_programs_valid_enrolment_after_the_bad_records_is_applied(delivered):
    settings, mongo, enrolments = delivered["settings"], delivered["mongo"], delivered["enrolments"]
    history = mongo[settings.database_name]["history"]
    wait_until(lambda: history.count_documents({"_id": {"$in": list(enrolments.values())}}) == len(PROGRAMS),
               timeout=90, message="every program's valid enrolment applied after the bad records")


def test_the_registrys_own_event_after_the_bad_records_is_applied(delivered):
    settings, mongo, hid = delivered["settings"], delivered["mongo"], delivered["hid"]
    history = mongo[settings.database_name]["history"]
    wait_until(lambda: history.find_one({"household_id": hid, "program": "registry"}), timeout=60,
               message="the registry's own event applied after the bad records")


def test_every_read_model_gets_the_household_after_the_bad_records(delivered, env):
    mongo, hid = delivered["mongo"], delivered["hid"]
    for name in delivered["readmodels"]:
        db = mongo[Settings.from_env(name.rsplit("-", 1)[0], env).database_name]
        wait_until(lambda: db["households"].find_one({"_id": hid}), timeout=60,
                   message=f"the household in the {name} read model after the bad records")


@pytest.fixture(scope="module")
def dead_letters(delivered):
    """3. what the dead-letter topic holds once every bad record should be in it, once per
    consumer, and the reasons by (topic, consumer group)."""
    settings, topics = delivered["settings"], delivered["topics"]
    expected = len(EXPECTED) * (len(delivered["consumed"]) - 1 + len(delivered["readmodels"]))
    dead = read_topic(settings.kafka_bootstrap_servers, topics.deadletter, expected, timeout=60)
    reasons = defaultdict(list)
    for record in dead:
        h = {k: v.decode() for k, v in record.headers if k.startswith("dlq_")}
        reasons[(h["dlq_topic"], h["dlq_consumer_group"])].append(h["dlq_reason"])
    return {"expected": expected, "dead": dead, "reasons": reasons}


def test_dead_letters_stay_within_64_kib(dead_letters):
    for record in dead_letters["dead"]:
        assert len(record.value) <= 64 * 1024


def test_every_bad_record_is_deadlettered_once_per_consumer(dead_letters):
    dead, expected, reasons = dead_letters["dead"], dead_letters["expected"], dead_letters["reasons"]
    assert len(dead) == expected, dict(reasons)


def test_each_consumer_deadletters_each_kind_of_bad_record_with_its_reason(delivered, dead_letters, env):
    settings, topics, readmodels = delivered["settings"], delivered["topics"], delivered["readmodels"]
    reasons = dead_letters["reasons"]
    groups = {topic: [settings.consumer_group] for topic in delivered["consumed"] if topic != topics.households}
    groups[topics.households] = [f"{env['JINGZHUN_TOPIC_PREFIX']}.{n.rsplit('-', 1)[0]}.households" for n in readmodels]
    for topic, names in groups.items():
        for group in names:
            got = reasons[(topic, group)]
            assert len(got) == len(EXPECTED), (topic, group, got)
            for kind, words in EXPECTED.items():
                assert any(words in reason for reason in got), (topic, group, kind, got)
