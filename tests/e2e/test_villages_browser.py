"""Poor villages, task forces and coverage in a real browser: a county operator opens a
village from the list, moves its status on with a reason, reads the coverage of the village
with its gaps and opens the household that has no cadre; a village cadre reads the same pages
on a phone, with nothing wider than the screen and no status form."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_support import registry_api
from tests.e2e import test_phone_browser as phone
from tests.support import official_villages

# The phone tests' fixtures: Debian's Chromium, and a logged-in page per (user, screen).
browser, sessions = phone.browser, phone.sessions


@pytest.fixture(scope="module")
def village(running):
    """A poor village of Wudu no other browser test files households in, with a task force
    stationed there, one household with a cadre and one without."""
    code = official_villages("621202")[40]
    registry_api(running, "POST", "/api/villages", user="county_wudu", json={
        "village_code": code, "designation": {"year": 2014, "poverty_incidence": 0.31, "collective_income_fen": 120000,
                                              "gaps": {"road": True, "clinic": True}}})
    tf = registry_api(running, "POST", "/api/task-forces", user="county_wudu", json={
        "county_code": "621202", "sending_unit": "陇南师范学院",
        "first_secretary": {"name": "韩书记", "unit": "陇南师范学院", "phone": "13809390000"},
        "members": [{"name": "曹队员", "unit": "陇南师范学院"}]})
    registry_api(running, "POST", f"/api/task-forces/{tf['id']}/stationings", user="county_wudu",
                 json={"village_code": code, "from": "2015-05-01"})
    files = {}
    for head, cadre in (("覆盖户", {"name": "邓干部", "phone": ""}), ("缺口户", None)):
        files[head] = registry_api(running, "POST", "/api/households", json={
            "village_code": code, "township": "某镇", "village": "某村", "main_cause": "illness",
            "income_per_capita_fen": 250000, "cadre": cadre,
            "members": [{"name": head, "relation": "head", "sex": "male", "birth_year": 1966}]})["id"]
    return {"code": code, "task_force": tf["id"], "gap": files["缺口户"]}


def test_a_county_operator_opens_a_village_moves_it_on_and_follows_a_gap(running, sessions, village):
    page = sessions("county_wudu", "desktop")
    registry = running["urls"]["registry"]
    page.goto(f"{registry}/villages?area={village['code']}")
    page.click(f"[data-testid=villages] a[href$='/villages/{village['code']}']")
    expect(page.get_by_test_id("village")).to_have_attribute("data-code", village["code"])
    expect(page.get_by_test_id("designation")).to_contain_text("道路")
    expect(page.get_by_test_id("village-task-forces")).to_contain_text("韩书记")
    expect(page.get_by_test_id("household-counts")).to_contain_text("2")
    page.select_option("select[name=status]", "assisted")
    page.fill("input[name=reason]", "工作队进驻，开始帮扶")
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('变更状态')")
    expect(page.get_by_test_id("village-changes")).to_contain_text("工作队进驻，开始帮扶")
    expect(page.get_by_test_id("village-changes")).to_contain_text("county_wudu")

    page.goto(f"{registry}/coverage?area={village['code']}")
    expect(page.get_by_test_id("villages-covered")).to_have_text("1 / 1")
    expect(page.get_by_test_id("households-covered")).to_have_text("1 / 2")
    expect(page.get_by_test_id("village-gaps")).to_contain_text("每个贫困村都有驻村工作队")
    page.click(f"[data-testid=household-gaps] a[href$='/households/{village['gap']}']")
    expect(page.locator("h1")).to_contain_text("缺口户")


@pytest.mark.parametrize("path", ["/villages", "/villages/{code}", "/coverage?area={code}", "/task-forces",
                                  "/task-forces/{task_force}"])
def test_a_village_cadre_reads_them_on_a_phone(running, sessions, village, path):
    page = sessions("cadre_wudu", "phone")
    response = page.goto(running["urls"]["registry"] + path.format(**village))
    assert response.status == 200, (path, response.status)
    phone.assert_fits(page)
    expect(page.locator("form[action$='/status']")).to_have_count(0)   # a cadre reads; the county decides
