"""A tourism operator in a real browser: enrols a household, registers its homestay, records
a booking (after a field error), finds it in the list and the report chart, and sees it on
the household's timeline in the registry."""
import re
from datetime import date, timedelta

import pytest
import requests
from tests.e2e.browser_support import enrol_in_browser, open_page
from playwright.sync_api import expect

from tests.support import PASSWORD


@pytest.fixture(scope="module")
def page(running):
    with open_page("zh-CN") as page:
        yield page


def new_household(running) -> str:
    r = requests.post(f"{running['urls']['registry']}/api/households", timeout=10,
                      headers={"Authorization": f"Bearer {running['tokens']['central']}"}, json={
                          "village_code": "621202104201", "township": "汉王镇", "village": "寺背村",
                          "main_cause": "lack_of_funds", "income_per_capita_fen": 260000,
                          "members": [{"name": "杨春花", "relation": "head", "sex": "female", "birth_year": 1975}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def booked(running, page):
    """Once for the module, in the browser: the operator logs in, enrols a new household,
    registers its homestay and records a booking (after a field error). The booking's page
    and what the later tests look for."""
    tourism = running["urls"]["tourism"]
    household_id = new_household(running)
    today, tomorrow = date.today(), date.today() + timedelta(days=2)

    page.goto(f"{tourism}/enrolments?household_id={household_id}&lang=en")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=username]", "tourism_op")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("who")).to_contain_text("tourism_op")
    enrol_in_browser(page, household_id)  # retries until the service knows the new file

    page.click("[data-testid=tourism-nav] >> text=Homestays")
    page.click("text=Register a homestay")
    page.fill("input[name=household_id]", household_id)
    page.fill("input[name=name]", "春花农家院")
    page.select_option("select[name=kind]", "farm_stay")
    page.fill("input[name=rooms]", "3")
    page.fill("input[name=beds]", "6")
    page.click("[data-testid=homestay-form] button")
    expect(page.locator("h1")).to_contain_text("春花农家院")

    page.click("text=Record a booking")
    expect(page.locator("input[name=homestay_id]")).not_to_have_value("")
    page.fill("input[name=guests]", "4")
    page.fill("input[name=check_in]", today.isoformat())
    page.fill("input[name=check_out]", tomorrow.isoformat())
    page.select_option("select[name=channel]", "online_platform")
    page.fill("input[name=amount_yuan]", "560")
    page.fill("input[name=income_yuan]", "600")
    page.click("[data-testid=booking-form] button")
    expect(page.locator("[data-error-for=income_fen]")).to_be_visible()
    page.fill("input[name=income_yuan]", "480")
    page.click("[data-testid=booking-form] button")
    expect(page.locator(".flash")).to_contain_text("recorded")
    expect(page.get_by_test_id("income")).to_have_text("480.00")
    booking_id = page.locator("h1").inner_text().split()[1]
    return {"household_id": household_id, "booking_id": booking_id, "today": today,
            "url": page.url.split("?")[0] + "?lang=en"}


def test_the_booking_shows_in_the_bookings_list(page, booked):
    page.goto(booked["url"])
    page.click("[data-testid=tourism-nav] >> text=Bookings")
    expect(page.get_by_test_id("bookings")).to_contain_text(booked["booking_id"])
    expect(page.get_by_test_id("bookings")).to_contain_text("春花农家院")


def test_the_report_and_its_charts_count_the_booking_and_its_income(page, booked):
    today = booked["today"]
    page.goto(booked["url"])
    page.click("[data-testid=tourism-nav] >> text=Report")
    expect(page.get_by_test_id("report")).to_contain_text(today.isoformat()[:7])
    expect(page.get_by_test_id("total-income")).to_have_text("480.00")
    chart = page.evaluate("""() => { const c = Chart.getChart('chart-bookings');
                                      return {labels: c.data.labels, data: c.data.datasets.map(d => [d.label, d.data])}; }""")
    month = chart["labels"].index(today.isoformat()[:7])
    assert chart["data"] == [["621202", [1 if i == month else 0 for i in range(len(chart["labels"]))]]]
    income = page.evaluate("() => Chart.getChart('chart-income').data.datasets[0].data")
    assert income[month] == 480


def test_the_registry_timeline_shows_the_booking(running, page, booked):
    # The registry shows it in the household's timeline once the event has travelled.
    registry, household_id = running["urls"]["registry"], booked["household_id"]
    for _ in range(60):
        page.goto(f"{registry}/households/{household_id}?lang=zh_CN")
        if page.locator("[data-testid=timeline] td", has_text="民宿预订").count():
            break
        page.wait_for_timeout(500)
    expect(page.locator("[data-testid=timeline]")).to_contain_text("民宿预订：春花农家院 4人2晚，增收 ¥480.00")
    expect(page.get_by_test_id("total-income")).to_have_text("480.00")
