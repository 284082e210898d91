"""A person in a real browser (Debian's Chromium driven by Playwright): one login for every
service, the language switch, forms that show each field's error, and the thread from a
new household file to a sale in its history."""
import re

import pytest
from tests.e2e.browser_support import enrol_in_browser, open_page
from playwright.sync_api import expect

from tests.support import PASSWORD



@pytest.fixture(scope="module")
def page(running):
    with open_page("zh-CN") as page:
        yield page


@pytest.fixture(scope="module")
def logged_in(running, page):
    """Once for the module: the registry sends a new visitor to the login page; county_wudu logs in."""
    page.goto(f"{running['urls']['registry']}/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=username]", "county_wudu")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("who")).to_contain_text("county_wudu")


def test_the_language_switches_to_english_and_back(running, page, logged_in):
    # Chinese by default for this browser; switch to English and back.
    page.goto(f"{running['urls']['registry']}/")
    page.click("a[data-lang=en]")
    expect(page.locator("h1")).to_have_text("Household files")
    page.click("a[data-lang=zh_CN]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_a_household_form_with_bad_fields_shows_each_fields_error(running, page, logged_in):
    # A form with bad fields shows each field's error and creates nothing.
    page.goto(f"{running['urls']['registry']}/households/new?lang=en")
    page.fill("input[name=village_code]", "62")
    page.click("form.form button[type=submit]")
    expect(page.locator("[data-error-for=township]")).to_be_visible()
    expect(page.locator("[data-error-for=village_code]")).to_be_visible()
    expect(page.locator("[data-error-for=members]")).to_be_visible()


@pytest.fixture(scope="module")
def sold(running, page, logged_in):
    """Once for the module, the thread: a new household file in the registry's form, then,
    with the same login on the e-commerce service (another port), a log-out, the operator's
    log-in there, the household enrolled and a sale recorded (after a field error)."""
    registry, ecommerce = running["urls"]["registry"], running["urls"]["ecommerce"]
    page.goto(f"{registry}/households/new?lang=en")
    page.fill("input[name=village_code]", "621202104201")
    page.fill("input[name=township]", "安化镇")
    page.fill("input[name=village]", "何家湾村")
    page.select_option("select[name=main_cause]", "lack_of_funds")
    page.fill("input[name=income_per_capita_yuan]", "2350")
    page.fill("input[name=members-0-name]", "马德福")
    page.select_option("select[name=members-0-sex]", "male")
    page.fill("input[name=members-0-birth_year]", "1966")
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("马德福")
    household_id = page.url.rsplit("/", 1)[-1].split("?")[0]

    # Same login on the e-commerce service (another port): the operator there records a sale.
    page.goto(f"{ecommerce}/")
    expect(page.get_by_test_id("who")).to_contain_text("county_wudu")
    page.click("form.inline button")  # log out
    page.goto(f"{ecommerce}/enrolments?household_id={household_id}&lang=en")
    page.fill("input[name=username]", "ecommerce_op")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    enrol_in_browser(page, household_id)  # retries until the service knows the new file
    page.goto(f"{ecommerce}/sales/new?household_id={household_id}")
    expect(page.locator("h1")).to_have_text("Record a sale")
    page.fill("input[name=product]", "花椒")
    page.fill("input[name=quantity]", "8")
    page.fill("input[name=amount_yuan]", "480")
    page.fill("input[name=income_yuan]", "520")
    page.click("form.form button[type=submit]")
    expect(page.locator("[data-error-for=income_fen]")).to_be_visible()
    page.fill("input[name=income_yuan]", "400")
    page.click("form.form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("recorded")
    return household_id


def test_a_sale_of_a_new_household_shows_in_its_registry_history(running, page, sold):
    # The registry shows it in the household's history once the event has travelled.
    registry, household_id = running["urls"]["registry"], sold
    # The consumer writes the history entry first and the summary last (services/registry/
    # adapters/events.py): a page read between the two shows the sale and not yet its total.
    for _ in range(60):
        page.goto(f"{registry}/households/{household_id}?lang=zh_CN")
        if page.locator("[data-testid=timeline] td", has_text="记录销售").count() and \
                page.get_by_test_id("total-income").inner_text().strip() != "0.00":
            break
        page.wait_for_timeout(500)
    expect(page.locator("[data-testid=timeline]")).to_contain_text("记录销售：花椒 8kg，增收 ¥400.00")
    expect(page.get_by_test_id("total-income")).to_have_text("400.00")
