"""Events of several programs for the same households — out of order across topics,
duplicated, interleaved, with the consumer killed half way — end in the right summaries,
timelines and statistics; and a rebuild from the log gives identical state."""
import dataclasses
import random
from datetime import date, timedelta
import signal

import pytest

from shared.events import CATALOGUE
from shared.kafka.producer import make_producer, send_envelope
from services.registry.rebuild import compare, rebuild
from shared.events.envelope import utcnow_iso
from shared.events.occurrence import time_of_day
from tests.integration.registry_support import (EXIT_STEP_BY, READY_TO_EXIT, exit_steps, get, new_household, post,
                                                registry_history, stored_summary, wait_history)
from tests.support import wait_group_caught_up, wait_until

PROGRAMS = ("ecommerce", "tourism", "photovoltaic")


def _events(households):
    """Per household: enrolments in three programs, sales, and leaving tourism."""
    events, expected = [], {}
    for i, hid in enumerate(households):
        income = 0
        for program in PROGRAMS:
            events.append(CATALOGUE.new_event(f"cn.jingzhun.{program}.enrolment.started.v1", program, hid, {
                "household_id": hid, "recorded_by": f"{program}-op", "enrolment_id": f"E-{program}-{i}",
                "enrolled_on": "2026-03-01"}))
        for n in range(4):
            amount = 10000 * (n + 1) + i
            events.append(CATALOGUE.new_event("cn.jingzhun.ecommerce.sale.recorded.v1", "ecommerce", hid, {
                "household_id": hid, "recorded_by": "shop", "sale_id": f"S{i}-{n}", "product": "花椒", "quantity": n + 1,
                "unit": "kg", "amount_fen": amount, "income_fen": amount // 2, "channel": "own_store",
                "sold_on": f"2026-0{4 + n}-10"}))
            income += amount // 2
        events.append(CATALOGUE.new_event("cn.jingzhun.tourism.enrolment.ended.v1", "tourism", hid, {
            "household_id": hid, "recorded_by": "tourism-op", "enrolment_id": f"E-tourism-{i}",
            "ended_on": "2026-09-01", "reason": "homestay closed"}))
        expected[hid] = {"income": income, "events": len(PROGRAMS) + 4 + 1}
    return events, expected


def _send_scrambled(system, events, seed=7):
    """Interleave topics (each topic keeps its own order) and send about a third twice."""
    rng = random.Random(seed)
    queues = {}
    for e in events:
        queues.setdefault(e.type.split(".")[2], []).append(e)
    producer = make_producer(system.settings["registry"], client_id="tests")
    while any(queues.values()):
        program = rng.choice([p for p, q in queues.items() if q])
        event = queues[program].pop(0)
        for _ in range(2 if rng.random() < 0.35 else 1):
            send_envelope(producer, system.topics.program(program), event)
    producer.flush()
    producer.close()


def _caught_up(system):
    group = system.settings["registry"].consumer_group
    for topic in system.topics.replayable:
        wait_group_caught_up(system.env["KAFKA_BOOTSTRAP_SERVERS"], group, topic, timeout=90)


@pytest.fixture(scope="module")
def households(system):
    system.procs.start("registry-relay")
    system.procs.start("registry-consumer")
    ids = [new_household(system, village_code=f"62120210420{n}", head=f"户主{n}")["id"] for n in range(1, 4)]
    return ids


def test_out_of_order_duplicated_interleaved_events_end_right(system, households):
    events, expected = _events(households)
    half = len(events) // 2
    _send_scrambled(system, events[:half])
    # Kill the consumer in the middle of it; its successor re-reads what was not committed.
    wait_until(lambda: system.db("registry")["history"].count_documents({"program": {"$ne": "registry"}}) > 3,
               message="some events applied")
    system.procs.kill("registry-consumer", signal.SIGKILL)
    _send_scrambled(system, events[half:], seed=8)
    system.procs.start("registry-consumer")
    _caught_up(system)

    for hid, want in expected.items():
        file = get(system, f"/api/households/{hid}")
        summary = file["summary"]
        assert summary["total_income_fen"] == want["income"]
        assert summary["events"] == want["events"]
        assert summary["programs"]["tourism"]["status"] == "exited"
        assert summary["programs"]["ecommerce"]["status"] == "enrolled"
        timeline = [e for e in get(system, f"/api/households/{hid}/history") if e["program"] != "registry"]
        assert len(timeline) == want["events"] == len({e["event_id"] for e in timeline})
        programs = get(system, f"/api/households/{hid}/programs")
        assert {p["program"]: p["status"] for p in programs["programs"]} == \
            {"ecommerce": "enrolled", "tourism": "exited", "photovoltaic": "enrolled"}

    # The materialized statistics equal a recount from the history.
    figures = get(system, "/api/dashboard/621202")
    history = list(system.db("registry")["history"].find({"program": "ecommerce"}))
    assert figures["programs"]["ecommerce"]["income_fen"] == sum(e["income_fen"] for e in history)
    assert figures["programs"]["ecommerce"]["events"] == len(history)
    assert figures["programs"]["ecommerce"]["households_reached"] == 3
    assert figures["programs"]["tourism"]["events"] == 6
    # …and the township's, from the county's area totals, add up to the county's.
    income = sum(p.get("income_fen", 0) for p in figures["programs"].values())
    assert income > 0 and [(c["code"], c["income_fen"]) for c in figures["children"] if c["income_fen"]] == [
        ("621202104", income)]
    # Every official township of the county is listed, with its official name, households or not.
    townships = [(c["code"], c["name"]) for c in figures["children"]]
    assert len(townships) == 40 and ("621202104", "汉王镇") in townships and ("621202103", "两水镇") in townships


def _send(system, program, *events):
    producer = make_producer(system.settings["registry"], client_id="tests")
    for event in events:
        send_envelope(producer, system.topics.program(program), event)
    producer.flush()
    producer.close()


def _sale(hid, ref, income, when=None):
    event = CATALOGUE.new_event("cn.jingzhun.ecommerce.sale.recorded.v1", "ecommerce", hid, {
        "household_id": hid, "recorded_by": "shop", "sale_id": ref, "product": "花椒", "quantity": 1, "unit": "kg",
        "amount_fen": income * 2, "income_fen": income, "channel": "own_store", "sold_on": date.today().isoformat()})
    return dataclasses.replace(event, time=when) if when else event


def _loan_ended(hid, ref, when=None):
    """An event that declares a risk (program income stopped): it warns on an exited file."""
    event = CATALOGUE.new_event("cn.jingzhun.microcredit.enrolment.ended.v1", "microcredit", hid, {
        "household_id": hid, "recorded_by": "bank", "enrolment_id": ref, "ended_on": date.today().isoformat(),
        "reason": "loan programme closed"})
    return dataclasses.replace(event, time=when) if when else event


def _village_income(system, village, group="ecommerce"):
    return sum(d.get("income_fen", 0) or 0 for d in system.db("registry")["stats"].find({"area": village, "group": group}))


def _eventually(check, message):
    """The poll writes history first, then warnings, statistics and summaries: wait for them."""
    wait_until(check, timeout=60, message=message)


def _ids(system, hid, enrolment):
    return [e["_id"] for e in registry_history(system, hid, "microcredit") if e["data"]["enrolment_id"] == enrolment]


def test_moves_exits_and_returns_count_as_of_when_the_events_happened(system, households):
    """A sale is counted in the village the household lived in when it was made, and a risk
    warns when the household had exited at that time — also when the event arrives after the
    file changed (recorded late, or its topic behind the registry's). The rebuild below must
    reproduce all of it from the log."""
    old_village, new_village = "621202104204", "621202101203"
    mover = new_household(system, village_code=old_village, head="搬迁户")["id"]
    _send(system, "ecommerce", _sale(mover, "MV-1", 1000))
    wait_history(system, mover, 1, program="ecommerce")
    before_move = utcnow_iso()
    request = post(system, f"/api/households/{mover}/change-requests", {
        "kind": "move_area", "reason": "relocated", "payload": {
            "village_code": new_village, "township": "安化镇", "village": "新联村"}}, expect=201)
    post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"}, user="county_wudu")
    # After the move: one sale made now, one made before the move but recorded only now.
    _send(system, "ecommerce", _sale(mover, "MV-2", 20000), _sale(mover, "MV-3", 300000, when=before_move))
    _eventually(lambda: _village_income(system, new_village) == 20000, "the sale after the move in the new village")
    _eventually(lambda: _village_income(system, old_village) == 1000 + 300000, "the late one in the old village")

    app = system.app("registry")
    app.extensions["settings"] = app.extensions["settings"].with_(exit_notice_days=0)  # the notice ends today
    leaver = new_household(system, village_code="621202104205", head="脱贫户", **READY_TO_EXIT)["id"]
    before_exit = utcnow_iso()
    exit_steps(system, leaver)
    _send(system, "microcredit", _loan_ended(leaver, "L-1"), _loan_ended(leaver, "L-0", when=before_exit))
    wait_history(system, leaver, 2, program="microcredit")
    _eventually(lambda: stored_summary(system.db("registry"), leaver)["events"] == 2, "both counted")
    warnings = list(system.db("registry")["warnings"].find({"household_id": leaver}))
    assert [w["event_id"] for w in warnings] == _ids(system, leaver, "L-1")   # the risk after the exit only
    before_return = utcnow_iso()
    post(system, f"/api/households/{leaver}/exit-steps",
         {"step": "return_to_poverty", "reason": "income stopped"}, user="county_wudu")
    _send(system, "microcredit", _loan_ended(leaver, "L-2"), _loan_ended(leaver, "L-3", when=before_return))
    _eventually(lambda: stored_summary(system.db("registry"), leaver)["events"] == 4, "all four counted")
    # Returned now: no warning for the new risk; exited at the back-dated one's time: warned.
    assert sorted(w["event_id"] for w in system.db("registry")["warnings"].find({"household_id": leaver})) == \
        sorted(_ids(system, leaver, "L-1") + _ids(system, leaver, "L-3"))

    # Steps recorded later, dated when they were taken: the risk after the dated exit warns,
    # the one before it does not, though both arrive after the steps were written.
    def day(n):
        return date.today() - timedelta(days=n)
    late = new_household(system, village_code="621202104201", head="补录户", identified_on=day(10).isoformat(),
                         **READY_TO_EXIT)["id"]
    for step, by in EXIT_STEP_BY.items():
        post(system, f"/api/households/{late}/exit-steps", {"step": step, "on": day(3).isoformat()}, user=by)
    _send(system, "microcredit", _loan_ended(late, "LT-1", when=time_of_day(day(2))),
          _loan_ended(late, "LT-0", when=time_of_day(day(5))))
    _eventually(lambda: stored_summary(system.db("registry"), late)["events"] == 2, "both counted")
    assert [w["event_id"] for w in system.db("registry")["warnings"].find({"household_id": late})] == \
        _ids(system, late, "LT-1")


def test_a_rebuild_from_the_log_gives_identical_state(system, households):
    _caught_up(system)
    wait_until(lambda: system.db("registry")["households"].count_documents({"outbox_pending": True}) == 0,
               message="the registry outbox drained")
    _caught_up(system)
    into = system.env["JINGZHUN_DB_PREFIX"] + "rb"
    counts = rebuild(system.settings["registry"], into, say=lambda *_: None)
    assert counts["files"]["records"] >= 3 and counts["programs"]["records"] > 0
    differences = compare(system.mongo, system.settings["registry"].database_name, f"{into}_registry")
    assert differences == {"households": 0, "history": 0, "household_versions": 0, "stats": 0, "area_totals": 0,
                           "household_summaries": 0, "warnings": 0}
