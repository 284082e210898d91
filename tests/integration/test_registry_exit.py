"""Exit and return to poverty: the criteria, the workflow with the public notice, risk
warnings after exit, and the dashboard's figures moving with each step."""
import pytest

from shared.events import CATALOGUE
from shared.kafka.producer import make_producer, send_envelope
from tests.integration.hardening_support import login_session
from tests.integration.registry_support import (exit_steps, get, new_household, post, risk_event, send,
                                                start_exit_pipeline, wait_history)
from tests.support import wait_until

VILLAGE = "621202104201"
READY = {"income_per_capita_fen": 520000,
         "guarantees": {g: True for g in ("food", "clothing", "compulsory_education", "basic_medical", "safe_housing")}}


@pytest.fixture(scope="module", autouse=True)
def pipeline(system):
    start_exit_pipeline(system, VILLAGE)


def dashboard(system, area="621202", user="central"):
    return get(system, f"/api/dashboard/{area}", user)


def settled(system):
    """The dashboard once the consumer has counted every file change made so far."""
    def caught_up():
        expected = {}
        for h in system.db("registry")["households"].find({"county_code": "621202"}, {"status": 1}):
            expected[h["status"]] = expected.get(h["status"], 0) + 1
        d = dashboard(system)
        return d if {k: v for k, v in d["households"].items() if v} == expected else None
    return wait_until(caught_up, message="the dashboard caught up with the files")


def test_exit_is_refused_until_the_criteria_hold(system):
    hid = new_household(system)["id"]
    assessment = get(system, f"/api/households/{hid}/exit-assessment")
    assert not assessment["eligible"]
    assert any("poverty line" in p for p in assessment["problems"])
    refused = post(system, f"/api/households/{hid}/exit-steps", {"step": "propose_exit"}, expect=422)
    assert refused["errors"]["json"]["step"] == assessment["problems"]
    assert get(system, f"/api/households/{hid}")["status"] == "identified"


def test_the_exit_workflow_ends_in_exit_and_the_dashboard_follows(system):
    hid = new_household(system, **READY)["id"]
    before = settled(system)
    assert get(system, f"/api/households/{hid}/exit-assessment")["eligible"]

    post(system, f"/api/households/{hid}/exit-steps", {"step": "township_check"}, expect=409)  # not yet proposed
    post(system, f"/api/households/{hid}/exit-steps", {"step": "propose_exit"}, user="cadre_wudu")
    post(system, f"/api/households/{hid}/exit-steps", {"step": "township_check"}, user="cadre_wudu", expect=403)
    post(system, f"/api/households/{hid}/exit-steps", {"step": "township_check"}, user="county_wudu")
    file = post(system, f"/api/households/{hid}/exit-steps", {"step": "county_approve"}, user="county_wudu_head")
    assert file["status"] == "public_notice" and file["exit"]["notice_until"]
    post(system, f"/api/households/{hid}/exit-steps", {"step": "finish_notice"}, user="county_wudu")
    assert get(system, f"/api/households/{hid}")["status"] == "exited"

    entries = wait_history(system, hid, 5, program="registry")
    steps = sorted(e["data"].get("step", "") for e in entries)
    assert steps == ["", "county_approve", "finish_notice", "propose_exit", "township_check"]
    after = settled(system)
    assert after["households"]["exited"] == before["households"].get("exited", 0) + 1
    assert sum(m.get("exits", 0) for m in after["registry_months"].values()) == \
        sum(m.get("exits", 0) for m in before["registry_months"].values()) + 1
    assert after["incidence"]["poor_people"] == before["incidence"]["poor_people"] - 2
    village = next(c for c in dashboard(system, "621202104")["children"] if c["code"] == VILLAGE)
    assert village["population"] == 1000 and village["threshold"] == 0.03  # Gansu is in the west


def test_the_exit_check_sets_the_typed_income_beside_the_programme_income_recorded(system):
    typed = new_household(system)   # 2,100 yuan per person typed, two members
    hid = typed["id"]
    quiet = get(system, f"/api/households/{new_household(system)['id']}/exit-assessment")
    assert (quiet["recorded_income_fen"], quiet["income_gap"]) == (0, False)
    producer = make_producer(system.settings["registry"], client_id="tests")
    for n, income in enumerate((250_000, 250_000)):   # 5,000 yuan of programme income: 2,500 per person
        send_envelope(producer, system.topics.program("ecommerce"), CATALOGUE.new_event(
            "cn.jingzhun.ecommerce.sale.recorded.v1", "ecommerce", hid, {
                "household_id": hid, "recorded_by": "tests", "sale_id": f"GAP-{hid}-{n}", "product": "花椒",
                "quantity": 10, "unit": "kg", "amount_fen": 300_000, "income_fen": income, "channel": "own_store",
                "sold_on": "2026-11-01"}))
    producer.flush()
    producer.close()
    wait_history(system, hid, 2, program="ecommerce")
    assessment = get(system, f"/api/households/{hid}/exit-assessment")
    assert (assessment["income_per_capita_fen"], assessment["recorded_income_fen"],
            assessment["recorded_per_capita_fen"], assessment["income_gap"]) == (210_000, 500_000, 250_000, True)
    web = system.client("registry")
    login_session(web, "county_wudu")
    page = web.get(f"/households/{hid}?lang=en")
    assert page.status_code == 200 and 'data-testid="income-gap"' in page.get_data(as_text=True)


def test_who_proposed_an_exit_may_not_check_it_and_who_checked_it_may_not_approve_it(system):
    hid = new_household(system, **READY)["id"]
    step = f"/api/households/{hid}/exit-steps"
    post(system, step, {"step": "propose_exit"}, user="central")
    refused = post(system, step, {"step": "township_check"}, user="central", expect=403)     # proposed it
    assert "another person" in refused["message"]
    post(system, step, {"step": "township_check"}, user="county_wudu")
    post(system, step, {"step": "county_approve"}, user="county_wudu", expect=403)           # checked it
    post(system, step, {"step": "county_approve"}, user="central", expect=403)               # no reason given
    file = post(system, step, {"step": "county_approve", "reason": "县扶贫办负责人出差，中央办公室代为审批"},
                user="central")
    assert file["status"] == "public_notice" and file["exit"]["taken_by"] == {
        "propose_exit": "central", "township_check": "county_wudu", "county_approve": "central"}
    # A new exit (after an objection) starts afresh: who checked the last one may propose it.
    post(system, step, {"step": "object", "reason": "村民异议"}, user="cadre_wudu")
    post(system, step, {"step": "propose_exit"}, user="county_wudu")
    post(system, step, {"step": "township_check"}, user="central")


def test_who_proposed_a_change_may_not_approve_it(system):
    hid = new_household(system)["id"]
    proposal = {"kind": "edit_fields", "reason": "收入核实", "payload": {"fields": {"income_per_capita_fen": 260000}}}
    request = post(system, f"/api/households/{hid}/change-requests", proposal, user="county_wudu", expect=201)
    decision = f"/api/change-requests/{request['id']}/decision"
    refused = post(system, decision, {"decision": "approve"}, user="county_wudu", expect=403)
    assert "Who proposed a change may not approve it" in refused["message"]
    assert post(system, decision, {"decision": "approve"}, user="county_wudu_head")["status"] == "applied"
    own = post(system, f"/api/households/{hid}/change-requests", proposal, user="central", expect=201)
    post(system, f"/api/change-requests/{own['id']}/decision", {"decision": "approve"}, user="central", expect=403)
    overridden = post(system, f"/api/change-requests/{own['id']}/decision",
                      {"decision": "approve", "note": "紧急更正，事后通报县扶贫办"}, user="central")
    assert overridden["status"] == "applied" and overridden["decided_by"] == "central"


def test_an_objection_during_the_notice_sends_the_household_back(system):
    hid = new_household(system, **READY)["id"]
    exit_steps(system, hid, ("propose_exit", "township_check", "county_approve"))
    post(system, f"/api/households/{hid}/exit-steps", {"step": "object"}, user="cadre_wudu", expect=422)  # no reason
    post(system, f"/api/households/{hid}/exit-steps", {"step": "object", "reason": "村民异议：收入未核实"},
         user="cadre_wudu")
    assert get(system, f"/api/households/{hid}")["status"] == "assisted"


def test_a_risk_event_after_exit_raises_a_warning_and_the_household_can_return(system):
    household = new_household(system, **READY)
    hid = household["id"]
    exit_steps(system, hid)
    send(system, risk_event(hid, reason="loan programme closed"))   # dated today, after the exit
    warned = wait_until(lambda: [w for w in get(system, "/api/warnings", "county_wudu") if w["id"] == hid],
                        message="the warning")
    assert warned[0]["warnings"][0]["risk"] == "program_income_stopped"
    assert get(system, "/api/warnings", "county_wenxian") == []  # another county sees nothing

    # A member falling seriously ill is a risk signal too.
    spouse = household["members"][1]["member_id"]
    request = post(system, f"/api/households/{hid}/change-requests", {
        "kind": "edit_member", "reason": "hospital", "payload": {"member_id": spouse,
                                                                 "fields": {"health": "serious_illness"}}}, expect=201)
    post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"}, user="county_wudu")
    wait_until(lambda: len(get(system, f"/api/households/{hid}")["warnings"]) == 2, message="the illness warning")

    post(system, f"/api/households/{hid}/exit-steps", {"step": "return_to_poverty"}, user="county_wudu", expect=422)
    file = post(system, f"/api/households/{hid}/exit-steps",
                {"step": "return_to_poverty", "reason": "serious illness and no income"}, user="county_wudu")
    assert file["status"] == "returned"


def test_a_county_operator_sees_only_its_county_on_the_dashboard(system):
    r = system.client("registry").get("/api/dashboard/621222", headers=system.headers("county_wudu"))
    assert r.status_code == 403
    r = system.client("registry").get("/api/dashboard/620000", headers=system.headers("county_wudu"))
    assert r.status_code == 403
    assert dashboard(system, "620000", "auditor")["area"]["level"] == "province"
