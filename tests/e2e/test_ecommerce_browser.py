"""The e-commerce operator in a real browser: log in, enrol a household, record a sale and a
refund of part of it, see them in the list, the report's chart and the household's
timeline in the registry."""
import re

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
    body = {"village_code": "621202104201", "township": "汉王镇", "village": "寺背村", "main_cause": "lack_of_skills",
            "income_per_capita_fen": 260000,
            "members": [{"name": "杨春花", "relation": "head", "sex": "female", "birth_year": 1979},
                        {"name": "杨志强", "relation": "child", "sex": "male", "birth_year": 2001}]}
    r = requests.post(f"{running['urls']['registry']}/api/households", json=body, timeout=10,
                      headers={"Authorization": f"Bearer {running['tokens']['central']}"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_an_operator_records_a_sale_and_a_refund(running, page):
    registry, ecommerce = running["urls"]["registry"], running["urls"]["ecommerce"]
    household_id = new_household(running)

    page.goto(f"{ecommerce}/enrolments?household_id={household_id}&lang=en")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=username]", "ecommerce_op")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("who")).to_contain_text("ecommerce_op")
    enrol_in_browser(page, household_id)  # retries until the service knows the new file

    # The sale: a wrong income is shown at its field, then it is recorded.
    page.goto(f"{ecommerce}/sales/new?household_id={household_id}")
    page.fill("input[name=product]", "土蜂蜜")
    page.fill("input[name=quantity]", "6")
    page.fill("input[name=amount_yuan]", "480")
    page.fill("input[name=income_yuan]", "500")
    page.click("form.form button[type=submit]")
    expect(page.locator("[data-error-for=income_fen]")).to_be_visible()
    page.fill("input[name=income_yuan]", "400")
    page.click("form.form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("recorded")
    sales = page.get_by_test_id("sales")
    expect(sales).to_contain_text(household_id)
    expect(sales).to_contain_text("土蜂蜜")

    # A refund of a fifth: more than remains is refused at its field, then it is recorded.
    sales.locator("tr", has_text=household_id).locator("a").first.click()
    page.fill("[data-testid=refund-form] input[name=amount_yuan]", "500")
    page.fill("[data-testid=refund-form] input[name=reason]", "一瓶破损")
    page.click("[data-testid=refund-form] button[type=submit]")
    expect(page.locator("[data-error-for=amount_fen]")).to_be_visible()
    page.fill("[data-testid=refund-form] input[name=amount_yuan]", "96")
    page.click("[data-testid=refund-form] button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("Refund recorded")
    expect(page.get_by_test_id("refunded")).to_have_text("96.00")
    expect(page.get_by_test_id("refunds")).to_contain_text("一瓶破损")
    expect(page.get_by_test_id("history")).to_contain_text("Refund for 土蜂蜜")

    # The report draws it: the month's net income, on the chart and in the table.
    page.goto(f"{ecommerce}/report?county=621202")
    expect(page.locator("#chart-income")).to_be_visible()
    datasets = page.evaluate("() => Chart.getChart('chart-income').data.datasets.map(d => [d.label, d.data])")
    [(county, values)] = datasets
    assert county == "621202" and max(values) >= 320   # 400 income − 80 taken back (its share of 96)
    expect(page.get_by_test_id("report")).to_contain_text("621202")
    expect(page.get_by_test_id("total-refunds")).not_to_have_text("0")

    # The registry shows both in the household's timeline, and the income net of the refund.
    for _ in range(60):
        page.goto(f"{registry}/households/{household_id}?lang=zh_CN")
        if page.locator("[data-testid=timeline] td", has_text="销售退款").count():
            break
        page.wait_for_timeout(500)
    timeline = page.locator("[data-testid=timeline]")
    expect(timeline).to_contain_text("记录销售：土蜂蜜 6kg，增收 ¥400.00")
    expect(timeline).to_contain_text("销售退款：土蜂蜜 退款 ¥96.00，减收 ¥80.00")
    expect(page.get_by_test_id("total-income")).to_have_text("320.00")
