"""A relocation officer in a real browser: enrol a household, register a resettlement site,
open the household's case, allocate housing (the area cap shows at its field), record moving
in, and see the registry's household page show the new village; the case shows in the list
and in the report."""
import re

import pytest
import requests
from playwright.sync_api import expect

from shared.auth.store import AuthStore
from shared.config import Settings
from shared.store import auth_db, make_client
from tests.e2e.browser_support import enrol_in_browser, open_page
from tests.support import PASSWORD


@pytest.fixture(scope="module")
def household(running):
    settings = Settings.from_env("registry", running["env"])
    mongo = make_client(settings)
    AuthStore(auth_db(mongo, settings)).upsert_user("banqian_test", PASSWORD, "program_operator", None, "relocation",
                                                    display_name="banqian_test")
    mongo.close()
    r = requests.post(running["urls"]["registry"] + "/api/households", timeout=10,
                      headers={"Authorization": f"Bearer {running['tokens']['central']}"}, json={
                          "village_code": "621202103210", "township": "洛塘镇", "village": "高山村",
                          "main_cause": "lack_of_water", "income_per_capita_fen": 230000,
                          "members": [{"name": "杨大林", "relation": "head", "sex": "male", "birth_year": 1966},
                                      {"name": "何桂兰", "relation": "spouse", "sex": "female", "birth_year": 1969}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def page(running):
    with open_page("zh-CN") as page:
        yield page


@pytest.fixture(scope="module")
def moved_in(running, page, household):
    """Once for the module, in the browser: the officer logs in, enrols the household,
    registers a site (after each field's error), opens the case, allocates housing (after the
    area cap's error) and records moving in."""
    rel = running["urls"]["relocation"]

    page.goto(f"{rel}/enrolments?household_id={household}&lang=en")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=username]", "banqian_test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("who")).to_contain_text("banqian_test")
    enrol_in_browser(page, household)

    # A site: a bad form shows each field's error, a good one the site's page.
    page.goto(f"{rel}/sites/new")
    page.fill("input[name=village_code]", "6212")
    page.click("form.form button[type=submit]")
    for field in ("name", "kind", "village_code", "township", "village", "capacity_households", "capacity_m2"):
        expect(page.locator(f"[data-error-for={field}]")).to_be_visible()
    page.fill("input[name=name]", "城关镇东江安置点")
    page.select_option("select[name=kind]", "centralized")
    page.fill("input[name=village_code]", "621202001001")
    page.fill("input[name=township]", "城关镇")
    page.fill("input[name=village]", "东江村")
    page.fill("input[name=capacity_households]", "100")
    page.fill("input[name=capacity_m2]", "9000")
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("城关镇东江安置点")
    expect(page.get_by_test_id("occupancy-households")).to_have_text("0 / 100")
    site_id = page.url.rsplit("/", 1)[-1].split("?")[0]

    # The household's case.
    page.goto(f"{rel}/cases/new?household_id={household}")
    page.click("form.form button[type=submit]")
    expect(page.get_by_test_id("stage")).to_have_text("Enrolled")

    # Housing: more than 25 m² a person is refused at the area's field; 50 m² for two is allocated.
    form = page.get_by_test_id("allocate_housing")
    form.locator("select[name=site_id]").select_option(site_id)
    form.locator("input[name=unit]").fill("5-102")
    form.locator("input[name=area_m2]").fill("60")
    form.locator("button").click()
    expect(page.locator("[data-error-for='allocate_housing-area_m2']")).to_contain_text("50 m² for 2 people")
    form = page.get_by_test_id("allocate_housing")
    form.locator("select[name=site_id]").select_option(site_id)
    form.locator("input[name=unit]").fill("5-102")
    form.locator("input[name=area_m2]").fill("50")
    form.locator("button").click()
    expect(page.get_by_test_id("stage")).to_have_text("Housing allocated")

    # Moving in.
    page.get_by_test_id("move_in").locator("button").click()
    expect(page.get_by_test_id("stage")).to_have_text("Moved in")
    expect(page.get_by_test_id("history")).to_contain_text("Moved in to 城关镇东江安置点 (东江村), unit 5-102")
    return {"site_id": site_id}


def test_the_registry_shows_the_household_in_its_new_village_and_why(running, page, household, moved_in):
    # The registry's household page: the new village, and why it changed. The registry moves
    # the file while it applies the event and writes the timeline with the rest of its poll,
    # so a page loaded in between shows the one without the other: wait for both.
    registry = running["urls"]["registry"]
    for _ in range(60):
        page.goto(f"{registry}/households/{household}?lang=zh_CN")
        if "东江村" in page.get_by_test_id("location").inner_text() and \
                "搬迁入住" in page.get_by_test_id("timeline").inner_text():
            break
        page.wait_for_timeout(500)
    expect(page.get_by_test_id("location")).to_contain_text("城关镇 · 东江村")
    expect(page.get_by_test_id("location")).to_contain_text("621202001001")
    expect(page.get_by_test_id("timeline")).to_contain_text("搬迁入住城关镇东江安置点（东江村）5-102")


def test_the_case_list_shows_the_stage_and_the_new_village(running, page, household, moved_in):
    # The list: village now, from the registry's files known here.
    rel = running["urls"]["relocation"]
    for _ in range(60):
        page.goto(f"{rel}/cases?q={household}&lang=zh_CN")
        if "东江村" in page.get_by_test_id("case-list").inner_text():
            break
        page.wait_for_timeout(500)
    expect(page.get_by_test_id("case-list")).to_contain_text("已入住")
    expect(page.get_by_test_id("case-list")).to_contain_text("东江村")


def test_the_report_shows_the_site_and_its_occupancy(running, page, moved_in):
    page.goto(f"{running['urls']['relocation']}/report?lang=en")
    expect(page.locator("#chart-moved")).to_be_visible()
    expect(page.get_by_test_id("occupancy")).to_contain_text("城关镇东江安置点")
    assert page.evaluate("() => Chart.getChart('chart-sites').data.labels").count("城关镇东江安置点") == 1
