"""A photovoltaic operator in a real browser: enrol a household, register a village
station with it as a member, report a month's generation and distribute it, see both in
the lists and in the monthly report's chart, and the dividend on the registry timeline."""
import re
from datetime import date

import pytest
import requests
from tests.e2e.browser_support import enrol_in_browser, open_page
from playwright.sync_api import expect

from shared.auth.store import AuthStore
from shared.config import Settings
from shared.store import auth_db, make_client
from services.photovoltaic.domain.months import month_of, shift
from tests.support import PASSWORD

LAST_MONTH = shift(month_of(date.today()), -1)


@pytest.fixture(scope="module")
def household(running):
    settings = Settings.from_env("registry", running["env"])
    mongo = make_client(settings)
    AuthStore(auth_db(mongo, settings)).upsert_user("pv_op", PASSWORD, "program_operator", None, "photovoltaic",
                                                    display_name="pv_op")
    mongo.close()
    r = requests.post(running["urls"]["registry"] + "/api/households", timeout=10,
                      headers={"Authorization": f"Bearer {running['tokens']['central']}"}, json={
                          "village_code": "621202101203", "township": "安化镇", "village": "大庄村",
                          "main_cause": "lack_of_funds", "income_per_capita_fen": 260000,
                          "members": [{"name": "马玉梅", "relation": "head", "sex": "female", "birth_year": 1972}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def page(running):
    with open_page("zh-CN") as page:
        yield page


@pytest.fixture(scope="module")
def distributed(running, page, household):
    """Once for the module, in the browser: the operator logs in, enrols the household,
    registers a station (after each field's error) with it as a member (after a shares error),
    reports last month's generation and distributes it. The distribution's page and the station."""
    pv = running["urls"]["photovoltaic"]

    page.goto(f"{pv}/enrolments?household_id={household}&lang=en")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=username]", "pv_op")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("who")).to_contain_text("pv_op")
    enrol_in_browser(page, household)  # retries until the service knows the new file

    # Register a station: a bad form shows each field's error, a good one the station's page.
    page.goto(f"{pv}/installations/new")
    page.fill("input[name=capacity_kw]", "lots")
    page.fill("input[name=village_code]", "6212")
    page.click("form.form button[type=submit]")
    for field in ("name", "capacity_kw", "commissioned_on", "village_code"):
        expect(page.locator(f"[data-error-for={field}]")).to_be_visible()
    page.select_option("select[name=kind]", "station")
    page.fill("input[name=name]", "大庄村光伏电站")
    page.fill("input[name=capacity_kw]", "150")
    page.fill("input[name=commissioned_on]", f"{date.today().year - 1}-05-20")
    page.fill("input[name=village_code]", "621202101203")
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("大庄村光伏电站")
    station_id = page.url.rsplit("/", 1)[-1].split("?")[0]

    page.fill("[data-testid=join-form] input[name=household_id]", household)
    page.fill("[data-testid=join-form] input[name=shares]", "0")
    page.click("[data-testid=join-form] button")
    expect(page.locator("[data-error-for='join-shares']")).to_be_visible()
    page.fill("[data-testid=join-form] input[name=household_id]", household)
    page.fill("[data-testid=join-form] input[name=shares]", "3")
    page.click("[data-testid=join-form] button")
    expect(page.get_by_test_id("members")).to_contain_text(household)

    # The month's generation report …
    page.click("[data-testid=actions] >> text=Report generation")
    expect(page.locator("input[name=installation_id]")).to_have_value(station_id)
    page.fill("input[name=month]", LAST_MONTH)
    page.fill("input[name=kwh]", "15000")
    page.fill("input[name=tariff_fen_per_kwh]", "75")
    page.click("form.form button[type=submit]")
    expect(page.get_by_test_id("revenue")).to_have_text("11,250.00")

    # … and its distribution.
    page.click("text=Distribute revenue")
    expect(page.locator("input[name=month]")).to_have_value(LAST_MONTH)
    page.click("form.form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("paid")
    return {"station_id": station_id, "url": page.url.split("?")[0] + "?lang=en"}


def test_the_distribution_pays_the_revenue_less_the_reserve_to_the_one_member(page, household, distributed):
    # Revenue less the 10% reserve, all of it to the one member.
    page.goto(distributed["url"])
    expect(page.get_by_test_id("distributed")).to_have_text("10,125.00")
    expect(page.get_by_test_id("allocations")).to_contain_text(household)
    expect(page.get_by_test_id("history")).to_contain_text("¥10,125.00")


def test_the_report_and_the_distribution_show_in_the_lists(running, page, distributed):
    pv = running["urls"]["photovoltaic"]
    page.goto(f"{pv}/reports?q=大庄村")
    expect(page.get_by_test_id("report-list")).to_contain_text(f"{distributed['station_id']}-{LAST_MONTH}")
    page.goto(f"{pv}/distributions?month={LAST_MONTH}")
    expect(page.get_by_test_id("distribution-list")).to_contain_text("大庄村光伏电站")


def test_the_monthly_report_and_its_chart_show_the_month(running, page, distributed):
    page.goto(f"{running['urls']['photovoltaic']}/monthly?lang=en")
    expect(page.locator("#chart-money")).to_be_visible()
    assert page.evaluate("() => Chart.getChart('chart-money').data.labels").count(LAST_MONTH) == 1
    expect(page.get_by_test_id("monthly")).to_contain_text("621202")
    expect(page.get_by_test_id("total-distributed")).to_have_text("10,125.00")


def test_the_registry_timeline_shows_the_dividend(running, page, household, distributed):
    registry = running["urls"]["registry"]
    for _ in range(60):
        page.goto(f"{registry}/households/{household}?lang=zh_CN")
        if page.locator("[data-testid=timeline] td", has_text="光伏收益分红").count():
            break
        page.wait_for_timeout(500)
    expect(page.get_by_test_id("timeline")).to_contain_text(f"大庄村光伏电站{LAST_MONTH}光伏收益分红 ¥10,125.00（3/3股）")
    expect(page.get_by_test_id("total-income")).to_have_text("10,125.00")
