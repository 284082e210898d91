"""A form sent with mistakes, read in Chinese, says what is wrong in Chinese (issue 19).

marshmallow's own messages (required, not an integer, lengths, ranges…) and the services' own
are said at the web edge through the catalogue, each field by its label; the API's 422 bodies
keep the English. Every word a person sees on the page that answers is checked with
tests/untranslated.py, and the errors are checked to be there at all."""
from __future__ import annotations

import re

import pytest

from tests.integration.conftest import NEW_HOUSEHOLD, sale_for
from tests.integration.hardening_support import login_session
from tests.integration.registry_support import (READY_TO_EXIT, exit_household, exit_steps, get, id_number,
                                                new_household, post, risk_event, send, start_exit_pipeline)
from tests.support import USERS, official_villages, wait_until
from tests.untranslated import untranslated, visible_text

VILLAGE = "621202104201"

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _not_chinese(html: str) -> list[str]:
    return [f"{words} «{chunk}»" for chunk in visible_text(html)
            for words in [untranslated(chunk, frozenset(USERS))] if words]


def _says_in_chinese(r, *expected: str, status: int = 422) -> None:
    """The page answers ``status``, shows each expected error and no word that is not Chinese."""
    html = r.get_data(as_text=True)
    assert r.status_code == status
    assert all(e in html for e in expected), html
    assert not _not_chinese(html), _not_chinese(html)


def _post(system, service: str, user: str, path: str, form: dict, follow: bool = False):
    client = system.client(service)
    csrf = login_session(client, user)
    return client.post(path, data={"csrf_token": csrf, **form}, headers=ZH, follow_redirects=follow)


def test_a_new_household_with_mistakes(system):
    r = _post(system, "registry", "county_wudu", "/households/new", {
        "village_code": "6212", "income_per_capita_yuan": "abc",
        "members-0-name": "王建国", "members-0-birth_year": "一九六八", "members-0-relation": "head",
        "members-0-sex": "male"})
    _says_in_chinese(r, "不是有效的整数", "长度必须在 1 到 50 之间")   # the birth year; the township left empty
    api = system.client("registry").post("/api/households", json={}, headers=system.headers("central"))
    assert api.status_code == 422 and api.get_json()["errors"]["json"]["township"] == ["Missing data for required field."]


def test_a_change_request_with_mistakes_names_each_field_by_its_label(system):
    r = system.client("registry").post("/api/households", json=NEW_HOUSEHOLD, headers=system.headers("central"))
    hid = r.get_json()["id"]
    r = _post(system, "registry", "county_wudu", f"/households/{hid}/change-requests",
              {"kind": "move_area", "reason": "搬迁", "village_code": "12345", "township": "x" * 51}, follow=True)
    _says_in_chinese(r, "迁入村行政区划代码：12位数字（村级代码）。", "迁入乡镇：长度必须在 1 到 50 之间。", status=200)


def test_a_loan_application_with_mistakes(system):
    r = _post(system, "microcredit", "microcredit_op", "/loans/new", {
        "household_id": "H621202ABCDEFGHJK", "principal_yuan": "abc", "term_months": "x", "method": "balloon"})
    _says_in_chinese(r, "不是有效的整数", "必须是以下之一")


def test_a_sale_with_mistakes(system):
    r = _post(system, "ecommerce", "ecommerce_op", "/sales/new", {
        "household_id": "H621202ABCDEFGHJK", "quantity": "-3", "amount_yuan": "12.345", "sold_on": "2026-13-01"})
    _says_in_chinese(r, "长度必须在 1 到 200 之间", "不是有效的日期")


# --- refusals of the registry's own rules, said on the page that answers (issue 19) ----------------

def _flashed(r) -> list[str]:
    """The messages a redirected POST left on the page it leads to."""
    return re.findall(r'<p class="flash">(.*?)</p>', r.get_data(as_text=True), re.S)


def _flashed_in_chinese(r, *expected: str) -> None:
    """The page a refused step leads to flashes each expected part of its refusal, and no word of
    what it flashes is not Chinese."""
    assert r.status_code == 200
    flashed = " ".join(_flashed(r))
    assert all(e in flashed for e in expected), flashed
    assert not untranslated(flashed, frozenset(USERS)), (untranslated(flashed, frozenset(USERS)), flashed)


@pytest.fixture(scope="module")
def pipeline(system):
    """The registry's consumer and relay, for warnings raised by events and for exits."""
    start_exit_pipeline(system, VILLAGE)


def test_a_warning_step_its_state_does_not_allow_is_said_in_chinese(system, pipeline):
    hid = new_household(system, **READY_TO_EXIT)["id"]
    exit_household(system, hid)
    event = risk_event(hid)
    send(system, event)
    wait_until(lambda: system.db("registry")["warnings"].count_documents({"_id": event.id}), message="the warning")
    post(system, f"/api/warnings/{event.id}/steps", {"step": "close", "note": "收入稳定"}, user="county_wudu")
    r = _post(system, "registry", "county_wudu", f"/warnings/{event.id}/steps", {"step": "acknowledge"}, follow=True)
    _flashed_in_chinese(r, "“已关闭”的预警不能办理“确认收到”")
    api = system.client("registry").post(f"/api/warnings/{event.id}/steps", json={"step": "acknowledge"},
                                         headers=system.headers("county_wudu"))
    assert api.status_code == 409 and api.get_json()["message"] == (
        "'acknowledge' is not possible for a warning that is closed; possible: nothing")
    r = _post(system, "registry", "county_wudu", f"/warnings/{event.id}/steps",
              {"step": "assign", "assignee": "nobody_at_all"}, follow=True)
    _flashed_in_chinese(r, "“已关闭”的预警不能办理")


def test_objections_not_in_the_notice_or_past_the_limit_are_said_in_chinese(system, pipeline):
    household = new_household(system, head="赵小明", **READY_TO_EXIT)
    exit_steps(system, household["id"], ("propose_exit", "township_check", "county_approve"))
    anyone = system.client("registry")

    def lodge(household_id: str, address: str):
        anyone.get(f"/notices/{VILLAGE}")
        with anyone.session_transaction() as session:
            token = session["csrf"]
        return anyone.post(f"/notices/{VILLAGE}/objections", headers=ZH, environ_base={"REMOTE_ADDR": address},
                           data={"csrf_token": token, "household_id": household_id, "name": "李四",
                                 "contact": "13800000000", "text": "该户收入不稳定"})

    _says_in_chinese(lodge("H621202ABCDEFGHJK", "192.0.2.31"), "该户不在本公示中")
    codes = [lodge(household["id"], "192.0.2.32").status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    _says_in_chinese(lodge(household["id"], "192.0.2.32"), "来自该地址的异议过多", status=429)


def test_a_village_status_out_of_order_is_said_in_chinese(system):
    village = official_villages("621202")[40]
    post(system, "/api/villages", {"village_code": village, "reason": "2014年识别", "designation": {
        "year": 2014, "poverty_incidence": 0.23, "collective_income_fen": 0, "gaps": {"road": True}}},
        user="county_wudu", expect=201)
    r = _post(system, "registry", "county_wudu", f"/villages/{village}/status",
              {"status": "exited", "reason": "整村脱贫"}, follow=True)
    _flashed_in_chinese(r, "“已识别”的村不能变为“已脱贫”")


def test_a_new_household_the_registry_refuses_is_said_in_chinese(system):
    number = id_number(1966, seed=1919)
    new_household(system, members=[{"name": "钱一", "relation": "head", "sex": "male", "birth_year": 1966,
                                    "id_number": number}])
    form = {"township": "汉王镇", "village": "寺背村", "main_cause": "illness", "income_per_capita_yuan": "2100",
            "members-0-name": "钱二", "members-0-relation": "head", "members-0-sex": "male",
            "members-0-birth_year": "1966", "members-0-health": "healthy", "members-0-labour": "full"}
    r = _post(system, "registry", "county_wudu", "/households/new", {**form, "village_code": "621202100201"})
    _says_in_chinese(r, "621202100201 不在官方行政区划代码中")   # written like a village; not official
    r = _post(system, "registry", "county_wudu", "/households/new",
              {**form, "village_code": VILLAGE, "members-0-id_number": number})
    _says_in_chinese(r, "的人员已属于户")                                # on file in another household


def test_a_change_the_file_cannot_take_is_said_in_chinese(system):
    household = new_household(system, head="孙一")
    head = get(system, f"/api/households/{household['id']}")["head_member_id"]
    r = _post(system, "registry", "county_wudu", f"/households/{household['id']}/change-requests",
              {"kind": "remove_member", "reason": "外出", "member_id": head}, follow=True)
    _flashed_in_chinese(r, "户主不能移出")


def test_a_refund_that_does_not_fit_the_sale_is_said_in_chinese(system, enrolled_household):
    client = system.client("ecommerce")
    r = client.post("/api/sales", json=sale_for(enrolled_household["id"]), headers=system.headers("ecommerce_op"))
    assert r.status_code == 201, r.get_json()
    sale = r.get_json()["id"]
    r = _post(system, "ecommerce", "ecommerce_op", f"/sales/{sale}/refund",
              {"amount_yuan": "9999", "refunded_on": "2026-10-01", "reason": "退货"})
    _says_in_chinese(r, "该笔销售最多还可退款 720.00 元", "该笔销售发生于 2026-11-01，退款须在其后")
    api = client.post(f"/api/sales/{sale}/refunds", json={"amount_fen": 999900, "refunded_on": "2026-11-02",
                                                          "reason": "退货"}, headers=system.headers("ecommerce_op"))
    assert api.get_json()["errors"]["json"]["amount_fen"] == ["At most 720.00 yuan of this sale remains to refund."]
