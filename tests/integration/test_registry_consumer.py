"""The registry consumer: idempotent by event id; what it cannot apply is dead-lettered."""
from shared.events import CATALOGUE
from shared.events.envelope import Envelope
from shared.kafka.producer import make_producer, send_envelope
from tests.integration.conftest import sale_for
from tests.integration.registry_support import stored_summary
from tests.support import read_topic, wait_group_caught_up, wait_until

SALE = "cn.jingzhun.ecommerce.sale.recorded.v1"


def _event(hid, **kw):
    data = {**sale_for(hid, **kw), "sale_id": kw.pop("sale_id", "S-test"), "recorded_by": "tests"}
    return CATALOGUE.new_event(SALE, "ecommerce", hid, data)


def _producer(system):
    return make_producer(system.settings["ecommerce"], client_id="tests")


def test_the_same_event_delivered_twice_appears_once(system, household):
    hid = household["id"]
    if "registry-consumer" not in system.procs.running:
        system.procs.start("registry-consumer")
    event = _event(hid, sale_id="S-TWICE", income_fen=12345)
    producer = _producer(system)
    send_envelope(producer, system.topics.program("ecommerce"), event)
    send_envelope(producer, system.topics.program("ecommerce"), event)
    producer.flush()
    producer.close()
    wait_group_caught_up(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.settings["registry"].consumer_group,
                         system.topics.program("ecommerce"))
    entries = list(system.db("registry")["history"].find({"household_id": hid, "program": "ecommerce"}))
    assert [e["_id"] for e in entries] == [event.id]
    summary = stored_summary(system.db("registry"), hid)
    assert summary["events"] == 1 and summary["total_income_fen"] == 12345


def test_what_cannot_be_applied_is_deadlettered_with_its_reason_and_the_next_is_applied(system, household):
    hid = household["id"]
    if "registry-consumer" not in system.procs.running:
        system.procs.start("registry-consumer")
    topic = system.topics.program("ecommerce")
    producer = _producer(system)
    key, _, headers = _event(hid).to_kafka()
    producer.send(topic, key=key, value=b"{not json", headers=headers)
    unknown = Envelope(type="cn.jingzhun.ecommerce.nothing.v1", source="ecommerce", subject=hid, data={"x": 1})
    send_envelope(producer, topic, unknown)
    bad = _event(hid)
    bad = Envelope(type=bad.type, source=bad.source, subject=hid, data={**bad.data, "income_fen": "lots"})
    send_envelope(producer, topic, bad)
    send_envelope(producer, topic, _event("H621202ZZZZZZZZZZ", sale_id="S-NOBODY"))
    good = _event(hid, sale_id="S-GOOD", income_fen=777)
    send_envelope(producer, topic, good)
    producer.flush()
    producer.close()

    wait_until(lambda: system.db("registry")["history"].find_one({"_id": good.id}), timeout=60,
               message="the valid event after the bad ones")
    dead = read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.topics.deadletter, 4)
    reasons = sorted(dict(r.headers)["dlq_reason"].decode() for r in dead)
    assert len(reasons) == 4, reasons
    assert any("not valid JSON" in r for r in reasons)
    assert any("unknown event type" in r for r in reasons)
    assert any("income_fen" in r for r in reasons)
    assert any("unknown household H621202ZZZZZZZZZZ" in r for r in reasons)
    assert all(dict(r.headers)["dlq_topic"].decode() == topic for r in dead)
    assert system.db("registry")["history"].count_documents({"_id": {"$in": [unknown.id, bad.id]}}) == 0
