"""A loan officer in a real browser: enrols a household, rates it (评级授信), takes a loan
from application (after a field error: above the credit line) to approval, disbursement and
a first repayment, sees it on the loan's page and the list, and on the household's timeline
in the registry."""
import re
from datetime import date

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.browser_support import enrol_in_browser, open_page
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
                          "members": [{"name": "马金花", "relation": "head", "sex": "female", "birth_year": 1972}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def repaid(running, page):
    """Once for the module, in the browser: the loan officer logs in, enrols a new household,
    rates it, applies for a loan (after a field error: above the credit line), approves and
    disburses it and records a first repayment (after a field error). The loan's page."""
    microcredit = running["urls"]["microcredit"]
    household_id = new_household(running)

    page.goto(f"{microcredit}/enrolments?household_id={household_id}&lang=en")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=username]", "microcredit_op")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("who")).to_contain_text("microcredit_op")
    enrol_in_browser(page, household_id)

    page.click("[data-testid=microcredit-nav] >> text=Credit ratings")
    page.fill("[data-testid=rating-form] input[name=household_id]", household_id)
    page.select_option("[data-testid=rating-form] select[name=grade]", "good")
    page.fill("input[name=credit_line_yuan]", "30000")
    page.click("[data-testid=rating-form] button")
    expect(page.locator(".flash")).to_contain_text("rated")
    expect(page.get_by_test_id("ratings")).to_contain_text(household_id)

    page.click(f"[data-testid=ratings] tr:has-text('{household_id}') >> text=Apply for a loan")
    expect(page.locator("input[name=household_id]")).to_have_value(household_id)
    page.fill("input[name=principal_yuan]", "40000")
    page.fill("input[name=term_months]", "24")
    page.select_option("select[name=method]", "equal_instalments")
    page.fill("input[name=purpose]", "养殖肉牛")
    page.fill("input[name=bank]", "甘肃农信")
    page.click("[data-testid=loan-form] button")
    expect(page.locator("[data-error-for=principal_fen]")).to_contain_text("credit line")
    page.fill("input[name=principal_yuan]", "24000")
    page.click("[data-testid=loan-form] button")
    expect(page.locator(".flash")).to_contain_text("recorded")
    expect(page.get_by_test_id("status")).to_have_text("Applied")
    loan_id = page.locator("h1").inner_text().split()[1]

    page.click("[data-testid=approve-form] button")
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    page.click("[data-testid=disburse-form] button")
    expect(page.get_by_test_id("status")).to_have_text("Disbursed")
    expect(page.locator("[data-testid=schedule] tbody tr, [data-testid=schedule] tr")).to_have_count(25)

    page.fill("[data-testid=repay-form] input[name=amount_yuan]", "abc")
    page.click("[data-testid=repay-form] button")
    expect(page.locator("[data-error-for=amount_fen]")).to_be_visible()
    page.fill("[data-testid=repay-form] input[name=amount_yuan]", "1000")
    page.click("[data-testid=repay-form] button")
    expect(page.locator(".flash")).to_contain_text("Repayment recorded")
    return {"household_id": household_id, "loan_id": loan_id, "url": page.url.split("?")[0] + "?lang=en"}


def test_the_first_repayment_pays_the_subsidized_interest_first(page, repaid):
    page.goto(repaid["url"])
    expect(page.get_by_test_id("status")).to_have_text("Repaying")
    # 24,000 yuan at 4.35%: the first month's interest is 87.00 yuan, paid first and subsidized.
    expect(page.get_by_test_id("repayments")).to_contain_text("1,000.00")
    expect(page.get_by_test_id("repayments")).to_contain_text("87.00")
    expect(page.get_by_test_id("subsidy")).to_have_text("87.00")
    expect(page.get_by_test_id("principal-paid")).to_have_text("913.00")
    expect(page.get_by_test_id("history")).to_contain_text("Loan repayment of ¥1,000.00")


def test_the_loan_shows_in_the_loans_list(page, repaid):
    page.goto(repaid["url"])
    page.click("[data-testid=microcredit-nav] >> text=Loans")
    expect(page.get_by_test_id("loans")).to_contain_text(repaid["loan_id"])


def test_the_report_shows_the_principal_outstanding_in_the_table_and_the_chart(page, repaid):
    # The report: principal outstanding at the end of this month, in the table and the chart.
    page.goto(repaid["url"])
    page.click("[data-testid=microcredit-nav] >> text=Report")
    month = date.today().isoformat()[:7]
    expect(page.get_by_test_id("report")).to_contain_text(month)
    expect(page.get_by_test_id("total-outstanding")).to_have_text("23,087.00")
    chart = page.evaluate("""() => { const c = Chart.getChart('chart-outstanding');
                                      return {labels: c.data.labels, data: c.data.datasets.map(d => [d.label, d.data])}; }""")
    assert chart["data"][0][0] == "621202" and chart["data"][0][1][chart["labels"].index(month)] == 23087
    rates = page.evaluate("() => Chart.getChart('chart-rates').data.datasets.map(d => d.label)")
    assert rates == ["Repayment rate", "Overdue rate"]


def test_the_registry_timeline_shows_the_disbursement_and_the_repayment(running, page, repaid):
    registry, household_id = running["urls"]["registry"], repaid["household_id"]
    for _ in range(60):
        page.goto(f"{registry}/households/{household_id}?lang=zh_CN")
        if page.locator("[data-testid=timeline] td", has_text="偿还贷款").count():
            break
        page.wait_for_timeout(500)
    expect(page.locator("[data-testid=timeline]")).to_contain_text("偿还贷款 ¥1,000.00（本金 ¥913.00，利息 ¥87.00）")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("扶贫小额信贷 ¥24,000.00 已放款")
