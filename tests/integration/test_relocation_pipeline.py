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


def test_a_relocation_from_enrolment_to_land_reclamation(system, rel):
    hid = rel.enrolled_household(head="马有福")
    site = rel.site(households=2, m2=120)
    case = rel.case(hid)
    cid = case["id"]
    assert (case["stage"], case["people"], case["origin_village_code"]) == ("enrolled", 2, HOME_VILLAGE)

    # Out of order, over the caps: refused, naming why.
    refused = rel.step(cid, "move-in", {}, expect=409)
    assert "housing must be allocated first" in refused["errors"]["json"]["_schema"][0]
    assert "area_m2" in rel.step(cid, "housing", {"site_id": site["id"], "unit": "1-101", "area_m2": 51},
                                 expect=422)["errors"]["json"]
    assert "self_paid_fen" in rel.step(cid, "housing", {"site_id": site["id"], "unit": "1-101", "area_m2": 50,
                                                        "self_paid_fen": 1_000_001}, expect=422)["errors"]["json"]
    allocated_on = (TODAY - timedelta(days=30)).isoformat()
    case = rel.step(cid, "housing", {"site_id": site["id"], "unit": "1-101", "area_m2": 50,
                                     "self_paid_fen": 500_000, "allocated_on": allocated_on})
    assert case["stage"] == "housing_allocated"
    assert rel.get(f"/api/sites/{site['id']}")["households_allocated"] == 1
    rel.step(cid, "subsidies", {"kind": "housing", "amount_fen": 2_000_000, "paid_on": allocated_on}, expect=200)
    rel.step(cid, "subsidies", {"kind": "housing", "amount_fen": 1}, expect=409)
    case = rel.step(cid, "move-in", {"moved_in_on": TODAY.isoformat()})
    assert case["stage"] == "moved_in"

    # The registry moves the file to the site's village, as a system change with the relocation as reason.
    def moved():
        file = get(system, f"/api/households/{hid}", user="auditor")
        return file if file["village_code"] == SITE_VILLAGE else None
    file = wait_until(moved, timeout=90, message="the household's file in the site's village")
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
    # The program's read model follows the compacted topic: it shows the new village too.
    wait_until(lambda: (rel.db["households"].find_one({"_id": hid}) or {}).get("village_code") == SITE_VILLAGE,
               timeout=60, message="the new village in the relocation read model")

    # Follow-up support, then the old house demolished and the land reclaimed.
    rel.step(cid, "reclamation", {"demolished_on": TODAY.isoformat(), "land_m2": 300}, expect=409)
    rel.step(cid, "training", {"member_name": "马有福", "course": "电焊工", "days": 15})
    case = rel.step(cid, "employment", {"member_name": "李秀英", "employer": "扶贫车间", "job": "缝纫工",
                                        "monthly_wage_fen": 260_000})
    assert (case["stage"], case["employed"]) == ("supported", True)
    rel.step(cid, "subsidies", {"kind": "moving", "amount_fen": 300_000}, expect=200)
    case = rel.step(cid, "reclamation", {"demolished_on": TODAY.isoformat(), "land_m2": 300})
    assert case["stage"] == "reclaimed"
    case = rel.step(cid, "subsidies", {"kind": "reclamation", "amount_fen": 150_000}, expect=200)
    assert case["subsidies_fen"] == 2_450_000
    assert [e["type"].split(".")[-3] + "." + e["type"].split(".")[-2] for e in case["events"]] == [
        "case.opened", "housing.allocated", "subsidy.paid", "case.moved_in", "training.completed",
        "employment.arranged", "subsidy.paid", "land.reclaimed", "subsidy.paid"]

    # The registry: enrolment + 9 steps on the timeline, the stage and the money in the summary.
    timeline = entries(system, hid, "relocation", 10)
    titles = " | ".join(e["title_zh"] for e in timeline)
    for text in ("纳入易地扶贫搬迁", "建立易地扶贫搬迁档案", "分配安置住房：城关镇易地扶贫搬迁安置点1-101，50平方米（2人），自筹 ¥5,000.00",
                 "发放易地扶贫搬迁补助（", "¥20,000.00", "搬迁入住城关镇易地扶贫搬迁安置点（东江村）1-101",
                 "马有福参加技能培训：电焊工，15天", "后续扶持：李秀英在扶贫车间就业（缝纫工）", "复垦土地300平方米"):
        assert text in titles, (text, titles)

    def summary():
        s = get(system, f"/api/households/{hid}", user="auditor")["summary"]
        return s if s["relocation_stage"] == "reclaimed" and s["total_amount_fen"] == 2_450_000 else None
    s = wait_until(summary, timeout=60, message="the relocation stage and subsidies in the summary")
    assert s["programs"]["relocation"] == {"status": "enrolled", "events": 10, "income_fen": 0, "amount_fen": 2_450_000}
    assert read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.topics.deadletter, 1, timeout=3) == []

    # The moved-in event delivered again (another copy on the topic): the file moves once.
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
    registry_post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"}, user="county_wudu")
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
