"""A county operator in a real browser: find a household, read its timeline, propose its
exit and approve it, see the dashboard change; another county's household stays closed."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_support import open_page, registry_api

from tests.support import PASSWORD, wait_until

READY = {"income_per_capita_fen": 600000,
         "guarantees": {g: True for g in ("food", "clothing", "compulsory_education", "basic_medical", "safe_housing")}}


_api = registry_api


@pytest.fixture(scope="module")
def households(running):
    _api(running, "PUT", "/api/areas", json={"areas": [
        {"code": "621202", "name": "武都区"}, {"code": "621202105", "name": "洛塘镇"},
        {"code": "621202105205", "name": "王坝村", "population": 900}]})
    mine = _api(running, "POST", "/api/households", json={
        "village_code": "621202105205", "township": "洛塘镇", "village": "王坝村", "main_cause": "lack_of_skills",
        **READY, "members": [{"name": "杨春花", "relation": "head", "sex": "female", "birth_year": 1979},
                             {"name": "杨明", "relation": "child", "sex": "male", "birth_year": 2004}]})
    other = _api(running, "POST", "/api/households", json={
        "village_code": "621222100201", "township": "城关镇", "village": "东山村", "main_cause": "disaster",
        "income_per_capita_fen": 150000, "members": [{"name": "何德福", "relation": "head", "sex": "male",
                                                        "birth_year": 1960}]})
    return mine["id"], other["id"]


@pytest.fixture(scope="module")
def page(running):
    with open_page("en-US") as page:
        yield page


def test_county_operator_exit_flow(running, households, page):
    registry = running["urls"]["registry"]
    mine, other = households
    page.goto(f"{registry}/login?lang=en")
    page.fill("input[name=username]", "county_wudu")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    # The dashboard of the county, before.
    page.goto(f"{registry}/dashboard?area=621202105205")
    # The official names, whatever an upload called the areas.
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("武都区 › 洛塘镇 › 王坝村委会")
    wait_until(lambda: _api(running, "GET", "/api/dashboard/621202105205")["households_total"] >= 1,
               message="the household counted")
    page.reload()
    expect(page.get_by_test_id("households-total")).to_have_text("1")
    expect(page.locator("canvas#chart-status")).to_be_visible()

    # Find the household and read its timeline.
    page.goto(f"{registry}/?q=杨春")
    page.click(f"text={mine}")
    expect(page.locator("h1")).to_contain_text("杨春花")
    expect(page.get_by_test_id("timeline")).to_contain_text("Household identified")

    # The village cadre proposes the exit; this operator checks it; approving what one checked
    # is another person's (the page says so): the county's head approves it.
    _api(running, "POST", f"/api/households/{mine}/exit-steps", user="cadre_wudu", json={"step": "propose_exit"})
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Exit proposed")
    page.click("button[data-step=township_check]")
    expect(page.get_by_test_id("status")).to_have_text("Township checked")
    page.click("button[data-step=county_approve]")
    expect(page.locator(".flash")).to_contain_text("Another person must take this step")
    expect(page.get_by_test_id("status")).to_have_text("Township checked")
    _api(running, "POST", f"/api/households/{mine}/exit-steps", user="county_wudu_head", json={"step": "county_approve"})
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Public notice")
    expect(page.get_by_test_id("exit-panel")).to_contain_text("Public notice until")

    # The dashboard follows as the events arrive.
    wait_until(lambda: _api(running, "GET", "/api/dashboard/621202105205")["households"].get("public_notice") == 1,
               message="the dashboard updated")
    page.goto(f"{registry}/dashboard?area=621202105205")
    expect(page.get_by_test_id("poor-people")).to_have_text("2")
    page.goto(f"{registry}/households/{mine}")
    expect(page.get_by_test_id("timeline")).to_contain_text("County approval: Township checked → Public notice")

    # Another county's household is closed to this operator.
    response = page.goto(f"{registry}/households/{other}")
    assert response.status == 403
    response = page.goto(f"{registry}/dashboard?area=621222")
    assert response.status == 403
