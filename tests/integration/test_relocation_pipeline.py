"""A relocation from enrolment to land reclamation ends as the right timeline, relocation
stage and subsidies in the registry, and the household's file moves to the site's village
through a system change request — once, even when the moved-in event is delivered again.
The daily check warns for an exited household moved in without a job, once."""
from datetime import timedelta

import pytest

from shared.events.envelope import Envelope
from shared.kafka.producer import make_producer, send_envelope
from tests.integration.registry_support import READY_TO_EXIT, exit_household, get, post as registry_post, run_task
from tests.integration.relocation_support import HOME_VILLAGE, SITE_VILLAGE, TODAY, Relocation
from tests.support import read_topic, wait_group_caught_up, wait_until


@pytest.fixture(scope="module")
def rel(system):
    service = Relocation(system)
    registry = system.app("registry")
    registry.extensions["settings"] = registry.extensions["settings"].with_(exit_notice_days=0)
    for name in ("registry-consumer", "registry-relay", "relocation-relay", "relocation-households"):
        system.procs.start(name)
    yield service
    service.close()


def entries(system, hid, program, count):
    def enough():
        found = [e for e in get(system, f"/api/households/{hid}/history", user="auditor") if e["program"] == program]
        return found if len(found) >= count else None
    return wait_until(enough, timeout=90, message=f"{count} {program} entries for {hid}")


@pytest.fixture(scope="module")
def moved_in(system, rel):
    """A case, done once for the module, from enrolment to moving in: steps out of order and
    over the caps tried first, then housing (with a subsidy, and a second one refused) and
    moving in. What each step answered."""
    hid = rel.enrolled_household(head="马有福")
    site = rel.site(households=2, m2=120)
    opened = rel.case(hid)
    cid = opened["id"]

    # Out of order, over the caps: refused, naming why.
    refusals = {
        "move-in": rel.step(cid, "move-in", {}, expect=409),
        "area": rel.step(cid, "housing", {"site_id": site["id"], "unit": "1-101", "area_m2": 51}, expect=422),
        "self_paid": rel.step(cid, "housing", {"site_id": site["id"], "unit": "1-101", "area_m2": 50,
                                               "self_paid_fen": 1_000_001}, expect=422)}
    allocated_on = (TODAY - timedelta(days=30)).isoformat()
    housing = rel.step(cid, "housing", {"site_id": site["id"], "unit": "1-101", "area_m2": 50,
                                        "self_paid_fen": 500_000, "allocated_on": allocated_on})
    site_after = rel.get(f"/api/sites/{site['id']}")
    rel.step(cid, "subsidies", {"kind": "housing", "amount_fen": 2_000_000, "paid_on": allocated_on}, expect=200)
    rel.step(cid, "subsidies", {"kind": "housing", "amount_fen": 1}, expect=409)
    moved = rel.step(cid, "move-in", {"moved_in_on": TODAY.isoformat()})
    return {"hid": hid, "cid": cid, "opened": opened, "refusals": refusals, "housing": housing,
            "site_after_housing": site_after, "moved": moved}


@pytest.fixture(scope="module")
def reclaimed(moved_in, rel):
    """The same case after moving in, once for the module: follow-up support (reclamation
    refused before it), the old house demolished and the land reclaimed, with their subsidies."""
    cid = moved_in["cid"]
    rel.step(cid, "reclamation", {"demolished_on": TODAY.isoformat(), "land_m2": 300}, expect=409)
    rel.step(cid, "training", {"member_name": "马有福", "course": "电焊工", "days": 15})
    supported = rel.step(cid, "employment", {"member_name": "李秀英", "employer": "扶贫车间", "job": "缝纫工",
                                             "monthly_wage_fen": 260_000})
    rel.step(cid, "subsidies", {"kind": "moving", "amount_fen": 300_000}, expect=200)
    reclaimed = rel.step(cid, "reclamation", {"demolished_on": TODAY.isoformat(), "land_m2": 300})
    final = rel.step(cid, "subsidies", {"kind": "reclamation", "amount_fen": 150_000}, expect=200)
    return {**moved_in, "supported": supported, "reclaimed": reclaimed, "final": final}


def test_a_new_case_is_enrolled_with_the_households_people_and_village(moved_in):
    case = moved_in["opened"]
    assert (case["stage"], case["people"], case["origin_village_code"]) == ("enrolled", 2, HOME_VILLAGE)


def test_steps_out_of_order_or_over_the_caps_are_refused_naming_why(moved_in):
    refusals = moved_in["refusals"]
    assert "housing must be allocated first" in refusals["move-in"]["errors"]["json"]["_schema"][0]
    assert "area_m2" in refusals["area"]["errors"]["json"]
    assert "self_paid_fen" in refusals["self_paid"]["errors"]["json"]


def test_housing_is_allocated_at_the_site_and_the_household_moves_in(moved_in):
    assert moved_in["housing"]["stage"] == "housing_allocated"
    assert moved_in["site_after_housing"]["households_allocated"] == 1
    assert moved_in["moved"]["stage"] == "moved_in"


def _moved(system, hid):
    file = get(system, f"/api/households/{hid}", user="auditor")
    return file if file["village_code"] == SITE_VILLAGE else None


def test_the_registry_moves_the_file_to_the_sites_village_as_a_system_change(system, moved_in):
    # The registry moves the file to the site's village, as a system change with the relocation as reason.
    hid = moved_in["hid"]
    file = wait_until(lambda: _moved(system, hid), timeout=90, message="the household's file in the site's village")
    assert (file["village"], file["township"], file["county_code"]) == ("东江村", "城关镇", "621202")
    changes = [e for e in entries(system, hid, "registry", 2) if e["event_type"].endswith("household.changed.v1")]
    assert len(changes) == 1, changes
    change = changes[0]
    assert change["recorded_by"] == "system/relocation"
    assert {"field": "village_code", "old": HOME_VILLAGE, "new": SITE_VILLAGE} in change["data"]["changes"]
    assert "搬迁入住城关镇易地扶贫搬迁安置点" in change["title_zh"] and change["data"]["kind"] == "move_area"
    requests = get(system, f"/api/change-requests?household_id={hid}", user="central")
    assert [(r["status"], r["proposed_by"], r["kind"]) for r in requests] == [("applied", "system/relocation",
                                                                             "move_area")]


def test_the_relocation_read_model_shows_the_new_village(system, rel, moved_in):
    # The program's read model follows the compacted topic: it shows the new village too.
    hid = moved_in["hid"]
    wait_until(lambda: (rel.db["households"].find_one({"_id": hid}) or {}).get("village_code") == SITE_VILLAGE,
               timeout=60, message="the new village in the relocation read model")


def test_follow_up_support_then_reclamation_ends_the_case_with_its_subsidies(reclaimed):
    case = reclaimed["supported"]
    assert (case["stage"], case["employed"]) == ("supported", True)
    assert reclaimed["reclaimed"]["stage"] == "reclaimed"
    case = reclaimed["final"]
    assert case["subsidies_fen"] == 2_450_000
    assert [e["type"].split(".")[-3] + "." + e["type"].split(".")[-2] for e in case["events"]] == [
        "case.opened", "housing.allocated", "subsidy.paid", "case.moved_in", "training.completed",
        "employment.arranged", "subsidy.paid", "land.reclaimed", "subsidy.paid"]


def test_the_registry_timeline_shows_the_enrolment_and_every_step(system, reclaimed):
    # The registry: enrolment + 9 steps on the timeline.
    timeline = entries(system, reclaimed["hid"], "relocation", 10)
    titles = " | ".join(e["title_zh"] for e in timeline)
    for text in ("纳入易地扶贫搬迁", "建立易地扶贫搬迁档案", "分配安置住房：城关镇易地扶贫搬迁安置点1-101，50平方米（2人），自筹 ¥5,000.00",
                 "发放易地扶贫搬迁补助（", "¥20,000.00", "搬迁入住城关镇易地扶贫搬迁安置点（东江村）1-101",
                 "马有福参加技能培训：电焊工，15天", "后续扶持：李秀英在扶贫车间就业（缝纫工）", "复垦土地300平方米"):
        assert text in titles, (text, titles)


def _reclaimed_summary(system, hid):
    s = get(system, f"/api/households/{hid}", user="auditor")["summary"]
    return s if s["relocation_stage"] == "reclaimed" and s["total_amount_fen"] == 2_450_000 else None


def test_the_registry_summary_has_the_stage_and_the_subsidies_and_nothing_was_deadlettered(system, reclaimed):
    hid = reclaimed["hid"]
    s = wait_until(lambda: _reclaimed_summary(system, hid), timeout=60,
                   message="the relocation stage and subsidies in the summary")
    assert s["programs"]["relocation"] == {"status": "enrolled", "events": 10, "income_fen": 0, "amount_fen": 2_450_000}
    assert read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.topics.deadletter, 1, timeout=3) == []


def test_a_moved_in_event_delivered_again_moves_the_file_once(system, rel, reclaimed):
    """The moved-in event delivered again (another copy on the topic): the file moves once.
    Waits first for the whole case to be applied (moved, reclaimed), as the story left it."""
    hid = reclaimed["hid"]
    wait_until(lambda: _moved(system, hid), timeout=90, message="the household's file in the site's village")
    wait_until(lambda: _reclaimed_summary(system, hid), timeout=60,
               message="the relocation stage and subsidies in the summary")
    version = get(system, f"/api/households/{hid}", user="auditor")["version"]
    published = [Envelope.from_kafka(r.key, r.value, r.headers) for r in
                 read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.topics.program("relocation"), 10**6, timeout=5)]
    moved_in = [e for e in published if e.type.endswith("moved_in.v1") and e.subject == hid]
    assert len(moved_in) == 1
    producer = make_producer(rel.settings, client_id="tests-redeliver")
    send_envelope(producer, system.topics.program("relocation"), moved_in[0])
    producer.flush()
    producer.close()
    wait_group_caught_up(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.settings["registry"].consumer_group,
                         system.topics.program("relocation"))
    wait_group_caught_up(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.settings["registry"].consumer_group,
                         system.topics.registry)
    file = get(system, f"/api/households/{hid}", user="auditor")
    assert file["version"] == version and file["village_code"] == SITE_VILLAGE
    assert len([e for e in get(system, f"/api/households/{hid}/history", user="auditor")
                if e["event_type"].endswith("household.changed.v1")]) == 1
    assert len(get(system, f"/api/change-requests?household_id={hid}", user="central")) == 1


def _check(system, today):
    return run_task(system, "services.relocation.tasks", "check-employment", "--today", today)


def test_moved_in_without_a_job_warns_for_the_exited_household_once(system, rel):
    exited, recent = rel.enrolled_household(head="赵春花", **READY_TO_EXIT), rel.enrolled_household(head="孙永胜")
    exit_household(system, exited)
    site = rel.site(name="何家湾安置点")
    long_ago, lately = (TODAY - timedelta(days=250)).isoformat(), (TODAY - timedelta(days=20)).isoformat()
    ids = {}
    for hid, day in ((exited, long_ago), (recent, lately)):
        cid = rel.case(hid)["id"]
        rel.step(cid, "housing", {"site_id": site["id"], "unit": hid[-4:], "area_m2": 40, "allocated_on": day})
        rel.step(cid, "move-in", {"moved_in_on": day})
        ids[hid] = cid

    first = _check(system, TODAY.isoformat())
    assert (first["raised"], first["months"]) == ([ids[exited]], 6)
    assert _check(system, TODAY.isoformat())["raised"] == []
    assert _check(system, (TODAY + timedelta(days=1)).isoformat())["raised"] == []
    case = rel.get(f"/api/cases/{ids[exited]}")
    assert case["risk_raised"] and case["risk_raised_on"] == TODAY.isoformat()

    def warned():
        file = get(system, f"/api/households/{exited}", user="auditor")
        return file["warnings"] if file.get("warnings") else None
    warnings = wait_until(warned, timeout=90, message="the warning on the exited household")
    assert [w["risk"] for w in warnings] == ["relocated_without_employment"]
    risk_entries = [e for e in entries(system, exited, "relocation", 5) if "个月仍未实现就业" in e["title_zh"]]
    assert len(risk_entries) == 1
    assert not get(system, f"/api/households/{recent}", user="auditor").get("warnings")


def test_a_file_that_cannot_move_keeps_the_event_and_the_partition_moves_on(system, rel):
    """A household removed from the registry (wrongly identified) after its housing was
    allocated: its moved-in event is still applied, the system change is refused with the
    reason, and the next event of the topic is applied (no poison message)."""
    removed, other = rel.enrolled_household(head="吴德福"), rel.enrolled_household(head="郭春花")
    site = rel.site(name="石门安置点")
    cases = {}
    for hid in (removed, other):
        cases[hid] = rel.case(hid)["id"]
        rel.step(cases[hid], "housing", {"site_id": site["id"], "unit": hid[-3:], "area_m2": 30})
    request = registry_post(system, f"/api/households/{removed}/change-requests",
                            {"kind": "remove_household", "reason": "识别不准", "payload": {"reason": "识别不准"}},
                            user="county_wudu", expect=201)
    registry_post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"},
                  user="county_wudu_head")   # not who proposed it
    assert get(system, f"/api/households/{removed}")["status"] == "removed"

    rel.step(cases[removed], "move-in", {})
    rel.step(cases[other], "move-in", {})

    def refused():
        found = get(system, f"/api/change-requests?household_id={removed}", user="central")
        return [r for r in found if r["proposed_by"] == "system/relocation" and r["status"] == "refused"] or None
    assert "removed" in wait_until(refused, timeout=90, message="the refused system change")[0]["refusal"]
    wait_until(lambda: get(system, f"/api/households/{other}", user="auditor")["village_code"] == SITE_VILLAGE,
               timeout=90, message="the other household moved")
    file = get(system, f"/api/households/{removed}", user="auditor")
    assert file["village_code"] == HOME_VILLAGE and file["summary"]["relocation_stage"] == "moved_in"
