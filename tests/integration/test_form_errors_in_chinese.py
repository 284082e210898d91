"""A form sent with mistakes, read in Chinese, says what is wrong in Chinese (issue 19).

marshmallow's own messages (required, not an integer, lengths, ranges…) and the services' own
are said at the web edge through the catalogue, each field by its label; the API's 422 bodies
keep the English. Every word a person sees on the page that answers is checked with
tests/untranslated.py, and the errors are checked to be there at all."""
from __future__ import annotations

from tests.integration.conftest import NEW_HOUSEHOLD
from tests.integration.hardening_support import login_session
from tests.support import USERS
from tests.untranslated import untranslated, visible_text

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
