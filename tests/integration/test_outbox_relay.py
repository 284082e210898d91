"""The outbox: a relay killed around the publish loses nothing and counts nothing twice."""
from shared.events.envelope import Envelope
from tests.integration.conftest import sale_for
from tests.integration.registry_support import stored_summary
from tests.support import read_topic, wait_group_caught_up, wait_until

SALE = "cn.jingzhun.ecommerce.sale.recorded.v1"


def _history(system, hid):
    return list(system.db("registry")["history"].find({"household_id": hid, "event_type": SALE}))


def _record_sale(system, hid, **kw):
    r = system.client("ecommerce").post("/api/sales", json=sale_for(hid, **kw), headers=system.headers("central"))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _events_on_program_topic(system, sale_id, expect):
    records = read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.topics.program("ecommerce"), expect, timeout=8)
    return [Envelope.from_kafka(r.key, r.value, r.headers) for r in records
            if Envelope.from_kafka(r.key, r.value, r.headers).data.get("sale_id") == sale_id]


def _relay_killed_at(system, point: str) -> None:
    """Run e-commerce's relay until it SIGKILLs itself at ``point``."""
    relay = system.procs.start("ecommerce-relay", {"JINGZHUN_RELAY_FAULT": point})
    assert relay.wait(timeout=30) == -9  # SIGKILL, at the chosen point
    system.procs.running.pop("ecommerce-relay")


def _with_consumer(system):
    if "registry-consumer" not in system.procs.running:
        system.procs.start("registry-consumer")


def test_relay_sigkilled_after_the_write_and_before_the_publish(system, enrolled_household):
    hid = enrolled_household["id"]
    _with_consumer(system)
    sale_id = _record_sale(system, hid)

    _relay_killed_at(system, "crash_before_publish")
    doc = system.db("ecommerce")["sales"].find_one({"_id": sale_id})
    assert doc["outbox_pending"] is True and len(doc["outbox"]) == 1
    assert _events_on_program_topic(system, sale_id, 1) == []

    system.procs.start("ecommerce-relay")
    wait_until(lambda: _history(system, hid), timeout=60, message="the sale in the history")
    assert len(_events_on_program_topic(system, sale_id, 1)) == 1
    assert len(_history(system, hid)) == 1
    wait_until(lambda: not system.db("ecommerce")["sales"].find_one({"_id": sale_id})["outbox_pending"],
               message="the outbox entry marked sent")
    system.procs.kill("ecommerce-relay")


def test_relay_sigkilled_after_the_publish_publishes_again_and_the_registry_counts_once(system, enrolled_household):
    hid = enrolled_household["id"]
    _with_consumer(system)
    sale_id = _record_sale(system, hid, income_fen=50000)

    _relay_killed_at(system, "crash_after_publish")
    system.procs.start("ecommerce-relay")

    copies = wait_until(lambda: (lambda c: c if len(c) == 2 else None)(_events_on_program_topic(system, sale_id, 2)),
                        timeout=30, message="the event published twice")
    assert copies[0].id == copies[1].id
    wait_until(lambda: _history(system, hid), timeout=60, message="the sale in the history")
    # Give the consumer time to see the second copy, then check it changed nothing.
    wait_until(lambda: system.db("ecommerce")["sales"].find_one({"_id": sale_id})["outbox_pending"] is False,
               message="the outbox entry marked sent")
    wait_group_caught_up(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.settings["registry"].consumer_group,
                         system.topics.program("ecommerce"))
    assert len(_history(system, hid)) == 1
    summary = stored_summary(system.db("registry"), hid)
    assert summary["events"] == 2 and summary["total_income_fen"] == 50000  # enrolment + sale
    system.procs.kill("ecommerce-relay")


def test_an_event_appended_while_the_relay_publishes_is_kept(system):
    from shared import outbox
    from shared.events.types.ecommerce import SALE_RECORDED
    from tests.integration.conftest import sale_for as data_for

    def event(sale_id):
        return outbox.event(SALE_RECORDED.type, "ecommerce", "H621202ABCDEFGHJK",
                            {**data_for("H621202ABCDEFGHJK"), "sale_id": sale_id, "recorded_by": "t"})

    sales = system.db("ecommerce")["outbox_race"]
    first, second = event("S1"), event("S2")
    outbox.insert(sales, {"_id": "doc"}, first)
    [read] = outbox.pending(sales, 10)
    outbox.update(sales, {"_id": "doc"}, {"$set": {"x": 1}}, second)   # a writer appends meanwhile
    outbox.mark_sent(sales, read, [first["id"]])
    doc = sales.find_one({"_id": "doc"})
    assert [e["id"] for e in doc["outbox"]] == [second["id"]] and doc["outbox_pending"] is True
    outbox.mark_sent(sales, doc, [second["id"]])
    doc = sales.find_one({"_id": "doc"})
    assert doc["outbox"] == [] and doc["outbox_pending"] is False


def test_a_writer_that_died_before_its_mark_is_found_by_the_sweep(system, enrolled_household):
    from shared import outbox
    from shared.events.types.ecommerce import SALE_RECORDED
    from tests.integration.conftest import sale_for as data_for

    hid = enrolled_household["id"]
    _with_consumer(system)
    event = outbox.event(SALE_RECORDED.type, "ecommerce", hid,
                         {**data_for(hid), "sale_id": "S-UNMARKED", "recorded_by": "t"})
    # The state write with its event, but no mark: as if the writer died right after.
    system.db("ecommerce")["sales"].insert_one(outbox.with_events({"_id": "S-UNMARKED", "household_id": hid}, event))
    system.procs.start("ecommerce-relay")  # sweeps at start
    wait_until(lambda: system.db("registry")["history"].find_one({"_id": event["id"]}), timeout=60,
               message="the unmarked event relayed by the sweep")
    wait_until(lambda: system.db("ecommerce")["outbox_marks"].count_documents({}) == 0,
               message="no mark left behind")
    system.procs.kill("ecommerce-relay")


def test_relay_sigkilled_after_the_broker_acknowledged_a_batch_publishes_nothing_twice(system, enrolled_household):
    hid = enrolled_household["id"]
    _with_consumer(system)
    sale_id = _record_sale(system, hid)

    # Killed once the batch is recorded and acknowledged, before its documents are cleared:
    # the restarted relay publishes nothing of it again and clears them.
    _relay_killed_at(system, "crash_after_recording")
    assert system.db("ecommerce")["outbox_acked"].count_documents({}) >= 1
    assert system.db("ecommerce")["sales"].find_one({"_id": sale_id})["outbox_pending"] is True
    system.procs.start("ecommerce-relay")
    _wait_cleared(system, sale_id)
    assert system.db("ecommerce")["outbox_marks"].count_documents({}) == 0
    assert len(_events_on_program_topic(system, sale_id, 10)) == 1
    wait_until(lambda: _history(system, hid), timeout=60, message="the sale in the history")
    system.procs.kill("ecommerce-relay")


def test_relay_sigkilled_while_clearing_sent_events_from_their_documents_redoes_it(system, enrolled_household):
    hid = enrolled_household["id"]
    sale_id = _record_sale(system, hid)

    _relay_killed_at(system, "crash_in_compaction")
    assert system.db("ecommerce")["outbox_sent"].count_documents({}) >= 1   # the batch cleared, its record not deleted
    system.procs.start("ecommerce-relay")
    _wait_cleared(system, sale_id)
    assert len(_events_on_program_topic(system, sale_id, 10)) == 1
    system.procs.kill("ecommerce-relay")


def _wait_cleared(system, sale_id):
    db = system.db("ecommerce")
    wait_until(lambda: db["sales"].find_one({"_id": sale_id})["outbox_pending"] is False,
               message="the outbox entry marked sent")
    wait_until(lambda: db["outbox_sent"].count_documents({}) == db["outbox_acked"].count_documents({}) == 0,
               message="the batch records deleted")
