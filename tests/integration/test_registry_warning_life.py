"""A return-to-poverty warning's life (issue 18): acknowledged, assigned, linked to the measures
taken, closed with a reason or turned into a return to poverty, each step recorded and refused
when the warning's state does not allow it; scoped like the households; flagged when open past
its deadline."""
import pytest

from shared.events import CATALOGUE
from tests.integration.hardening_support import login_session
from tests.integration.registry_support import (READY_TO_EXIT, exit_household, get, new_household, post, risk_event,
                                                send, start_exit_pipeline, wait_history)
from tests.support import wait_until

VILLAGE = "621202104201"


@pytest.fixture(scope="module", autouse=True)
def pipeline(system):
    start_exit_pipeline(system, VILLAGE)


def raise_warnings(system, hid, count=1) -> list[str]:
    """``count`` risk events on an exited household (a loan programme ended): their warnings' ids."""
    events = [risk_event(hid, f"E{n}", "loan programme closed") for n in range(count)]
    for event in events:
        send(system, event)
    ids = [e.id for e in events]
    wait_until(lambda: system.db("registry")["warnings"].count_documents({"_id": {"$in": ids}}) == count,
               message="the warnings")
    return ids


def a_sale(system, hid) -> str:
    """An assistance event of the household (a sale): its history entry's id."""
    event = CATALOGUE.new_event("cn.jingzhun.ecommerce.sale.recorded.v1", "ecommerce", hid, {
        "household_id": hid, "recorded_by": "tests", "sale_id": f"S-{hid}", "product": "花椒", "quantity": 10,
        "unit": "kg", "amount_fen": 30_000, "income_fen": 25_000, "channel": "own_store", "sold_on": "2026-11-01"})
    send(system, event)
    wait_history(system, hid, 1, program="ecommerce")
    return event.id


def exited(system) -> str:
    hid = new_household(system, **READY_TO_EXIT)["id"]
    exit_household(system, hid)
    return hid


def step(system, wid, body, user="county_wudu", expect=200):
    return post(system, f"/api/warnings/{wid}/steps", body, user=user, expect=expect)


def test_each_step_is_recorded_and_a_step_the_state_does_not_allow_is_refused(system):
    hid = exited(system)
    sale = a_sale(system, hid)
    [wid] = raise_warnings(system, hid)
    warning = get(system, f"/api/warnings/{wid}", "county_wudu")
    assert (warning["status"], warning["open"], warning["overdue"], warning["household_id"]) == ("open", True, False, hid)

    acknowledged = step(system, wid, {"step": "acknowledge", "note": "已电话联系户主"}, user="cadre_wudu")
    assert acknowledged["status"] == "acknowledged"
    assert [(s["step"], s["by"], s["note"]) for s in acknowledged["steps"]] == [("acknowledge", "cadre_wudu", "已电话联系户主")]
    assert acknowledged["steps"][0]["at"]
    assert "acknowledged" in step(system, wid, {"step": "acknowledge"}, expect=409)["message"]

    assert step(system, wid, {"step": "assign"}, expect=422)["errors"]["json"]["assignee"]
    step(system, wid, {"step": "assign", "assignee": "nobody_at_all"}, expect=422)
    step(system, wid, {"step": "assign", "assignee": "county_wenxian"}, expect=422)   # another county's
    assigned = step(system, wid, {"step": "assign", "assignee": "cadre_wudu", "note": "驻村工作队跟进"})
    assert (assigned["assigned_to"], assigned["status"]) == ("cadre_wudu", "acknowledged")

    step(system, wid, {"step": "link_measures"}, expect=422)
    step(system, wid, {"step": "link_measures", "measures": ["no-such-event"]}, expect=422)
    linked = step(system, wid, {"step": "link_measures", "measures": [sale]}, user="cadre_wudu")
    assert linked["measures"] == [sale] and linked["steps"][-1]["measures"] == [sale]

    step(system, wid, {"step": "close", "note": "已有稳定收入"}, user="cadre_wudu", expect=403)   # the county's
    assert step(system, wid, {"step": "close"}, expect=422)["errors"]["json"]["note"]
    closed = step(system, wid, {"step": "close", "note": "已有稳定收入，风险消除"})
    assert (closed["status"], closed["open"], closed["closed_reason"]) == ("closed", False, "已有稳定收入，风险消除")
    assert [s["step"] for s in closed["steps"]] == ["acknowledge", "assign", "link_measures", "close"]
    for refused in ("acknowledge", "assign", "close", "return_to_poverty"):
        step(system, wid, {"step": refused, "note": "x", "assignee": "cadre_wudu"}, expect=409)
    step(system, wid, {"step": "reopen"}, expect=422)
    assert get(system, f"/api/households/{hid}")["status"] == "exited"
    assert hid not in [h["id"] for h in get(system, "/api/warnings", "county_wudu")]


def test_a_warning_is_scoped_like_its_household(system):
    hid = exited(system)
    [wid] = raise_warnings(system, hid)
    r = system.client("registry").get(f"/api/warnings/{wid}", headers=system.headers("county_wenxian"))
    assert r.status_code == 403
    step(system, wid, {"step": "acknowledge"}, user="county_wenxian", expect=403)
    step(system, wid, {"step": "acknowledge"}, user="auditor", expect=403)
    step(system, wid, {"step": "acknowledge"}, user="ecommerce_op", expect=403)
    assert get(system, f"/api/warnings/{wid}", "auditor")["status"] == "open"     # the auditor reads
    step(system, "no-such-warning", {"step": "acknowledge"}, expect=404)


def test_a_warning_turned_into_a_return_to_poverty_returns_the_household(system):
    hid = exited(system)
    first, second = raise_warnings(system, hid, 2)
    step(system, first, {"step": "return_to_poverty"}, expect=422)                    # no reason
    step(system, first, {"step": "return_to_poverty", "note": "因病"}, user="cadre_wudu", expect=403)
    returned = step(system, first, {"step": "return_to_poverty", "note": "户主重病，无收入来源"})
    assert (returned["status"], returned["open"]) == ("returned", False)
    assert get(system, f"/api/households/{hid}")["status"] == "returned"
    back = wait_until(lambda: [e for e in wait_history(system, hid, 6, program="registry")
                               if e["data"].get("step") == "return_to_poverty"], message="the return in history")
    assert [e["event_type"] for e in back] == ["cn.jingzhun.registry.household.status_changed.v1"], back
    assert len(back) == 1 and back[0]["data"]["reason"] == "户主重病，无收入来源"
    assert back[0]["data"]["recorded_by"] == "county_wudu"
    # The household is poor again: the other warning cannot return it a second time; it is closed.
    refused = step(system, second, {"step": "return_to_poverty", "note": "同上"}, expect=409)
    assert "returned" in refused["message"]
    assert get(system, f"/api/warnings/{second}")["status"] == "open"
    assert step(system, second, {"step": "close", "note": "已随前一预警返贫"})["status"] == "closed"


def test_open_warnings_past_the_deadline_are_flagged_and_the_pages_take_the_steps(system):
    hid = exited(system)
    [wid] = raise_warnings(system, hid)
    app = system.app("registry")
    web = system.client("registry")
    token = login_session(web, "county_wudu")
    page = web.get("/warnings?lang=en").get_data(as_text=True)
    assert f'data-warning="{wid}"' in page and 'data-testid="overdue"' not in page
    app.extensions["settings"] = app.extensions["settings"].with_(warning_deadline_days=0)
    try:
        assert get(system, f"/api/warnings/{wid}")["overdue"] is True
        page = web.get("/warnings?lang=en&overdue=1").get_data(as_text=True)
        assert f'data-warning="{wid}"' in page and 'data-testid="overdue"' in page
        dashboard = web.get("/dashboard?area=621202&lang=en").get_data(as_text=True)
        count = dashboard.split('data-testid="overdue-warnings"')[1].split("</a>")[0].rsplit(">", 1)[1]
        assert int(count) >= 1
    finally:
        app.extensions["settings"] = app.extensions["settings"].with_(warning_deadline_days=30)
    # The buttons: on the household page and the warnings page.
    page = web.get(f"/households/{hid}?lang=en").get_data(as_text=True)
    assert 'data-warning-step="acknowledge"' in page and 'data-warning-step="return_to_poverty"' in page
    r = web.post(f"/warnings/{wid}/steps", data={"csrf_token": token, "step": "acknowledge", "note": "收到",
                                                  "next": f"/households/{hid}"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/households/{hid}")
    r = web.post(f"/warnings/{wid}/steps", data={"csrf_token": token, "step": "close", "note": "",
                                                  "next": "https://evil.example/"})
    assert r.status_code == 302 and "evil" not in r.headers["Location"]
    assert get(system, f"/api/warnings/{wid}")["status"] == "acknowledged"     # no reason: refused
    web.post(f"/warnings/{wid}/steps", data={"csrf_token": token, "step": "close", "note": "风险消除"})
    assert get(system, f"/api/warnings/{wid}")["status"] == "closed"
    page = web.get(f"/households/{hid}?lang=en").get_data(as_text=True)
    assert 'data-testid="ended-warnings"' in page and "风险消除" in page
    auditor = system.client("registry")
    login_session(auditor, "auditor")
    assert 'data-warning-step' not in auditor.get(f"/households/{hid}").get_data(as_text=True)


def test_the_consumer_raising_a_warning_again_keeps_its_life(system):
    """The consumer inserts a warning once, keyed by its event: a second copy changes nothing."""
    hid = exited(system)
    [wid] = raise_warnings(system, hid)
    step(system, wid, {"step": "acknowledge"})
    from services.registry.adapters.warnings import Warnings
    Warnings(system.db("registry")).add_many([{"_id": wid, "household_id": hid, "open": True}])
    assert get(system, f"/api/warnings/{wid}")["status"] == "acknowledged"
