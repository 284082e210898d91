"""The central office in a real browser: registers a partner, adds an endpoint pointing at
the partner's receiver, sends a test event and reads it in the delivery log; an auditor
reads the same pages without the buttons.

One browser session for the module: the fixtures register the partner and its endpoint
once; each test opens the page it checks, so one failure does not hide the next."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_support import open_page
from tests.integration.webhooks_support import Receiver
from tests.support import PASSWORD


@pytest.fixture(scope="module")
def page(running):
    with open_page("zh-CN") as page:
        yield page


@pytest.fixture(scope="module")
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def login(page, url, user):
    page.goto(f"{url}/?lang=en")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("who")).to_contain_text(user)


@pytest.fixture(scope="module")
def partner(running, page):
    """The partner's page, registered by the central office after the form named the missing
    program."""
    login(page, running["urls"]["webhooks"], "central")
    page.click("[data-testid=webhooks-nav] >> text=Register a partner")
    page.fill("input[name=name]", "陇南花椒电商")
    page.select_option("select[name=kind]", "ecommerce_platform")
    page.fill("input[name=contact]", "王经理 0939-1234567")
    page.click("[data-testid=partner-form] button")
    expect(page.locator("[data-error-for=programs]")).to_be_visible()   # no program ticked
    page.check("input[name=programs][value=ecommerce]")
    page.fill("input[name=areas]", "621202")
    page.select_option("select[name=platform]", "taobao")
    page.click("[data-testid=partner-form] button")
    expect(page.locator("h1")).to_contain_text("陇南花椒电商")
    return page.url


@pytest.fixture(scope="module")
def endpoint(partner, page, receiver):
    """The partner's endpoint at the receiver (after a private address was refused), the
    receiver holding its signing secret."""
    page.goto(partner)
    page.fill("[data-testid=endpoint-form] input[name=url]", "http://10.1.2.3/hook")
    page.fill("[data-testid=endpoint-form] input[name=event_types]", "ecommerce.sale.*")
    page.click("[data-testid=endpoint-form] button")
    expect(page.locator("[data-error-for=url]")).to_contain_text("private")
    page.fill("[data-testid=endpoint-form] input[name=url]", receiver.url)
    page.click("[data-testid=endpoint-form] button")
    expect(page.get_by_test_id("endpoint")).to_contain_text(receiver.url)
    receiver.secrets = [page.locator("[data-testid=secrets] code").first.inner_text()]
    return page.url


@pytest.fixture(scope="module")
def delivered(endpoint, page):
    """The endpoint's page once a test event sent from it shows as delivered."""
    page.goto(endpoint)
    page.click("[data-testid=test-form] button")
    expect(page.locator(".flash")).to_contain_text("Test event queued")
    for _ in range(60):
        if page.locator("[data-testid=deliveries] tr[data-status=delivered]").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    return page.url


def test_a_new_partner_gets_an_inbound_secret(partner, page):
    page.goto(partner)
    expect(page.get_by_test_id("inbound-secret")).to_contain_text("whsec_")


def test_editing_a_partner_keeps_its_programs_and_areas(partner, page):
    page.goto(partner)
    page.click("text=Edit partner")
    expect(page.locator("input[name=programs][value=ecommerce]")).to_be_checked()
    expect(page.locator("input[name=areas]")).to_have_value("621202")
    page.fill("input[name=contact]", "赵经理 0939-7654321")
    page.click("[data-testid=partner-form] button")
    expect(page.locator(".flash")).to_contain_text("Partner saved.")
    expect(page.get_by_test_id("partner")).to_contain_text("赵经理")


def test_the_test_event_reaches_the_receiver_and_the_log(delivered, page, receiver):
    page.goto(delivered)
    row = page.locator("[data-testid=deliveries] tr[data-status=delivered]")
    expect(row).to_contain_text("webhooks.test")
    expect(row).to_contain_text("204")
    assert receiver.received and receiver.received[0]["payload"]["type"] == "webhooks.test"


def test_editing_an_endpoint_refuses_a_private_address(endpoint, page, receiver):
    page.goto(endpoint)
    page.click("text=Edit endpoint")
    page.fill("[data-testid=endpoint-edit-form] input[name=url]", "http://192.168.0.7/hook")
    page.click("[data-testid=endpoint-edit-form] button")
    expect(page.locator("[data-error-for=url]")).to_contain_text("private")
    page.fill("[data-testid=endpoint-edit-form] input[name=url]", receiver.url)
    page.fill("[data-testid=endpoint-edit-form] input[name=event_types]", "ecommerce.*")
    page.click("[data-testid=endpoint-edit-form] button")
    expect(page.locator(".flash")).to_contain_text("Endpoint saved.")
    expect(page.get_by_test_id("endpoint")).to_contain_text("ecommerce.*")


@pytest.fixture(scope="module")
def delivery(delivered, page):
    """The page of the delivered test event."""
    page.goto(delivered)
    page.locator("[data-testid=deliveries] tr[data-status=delivered]").locator("a").first.click()
    expect(page.get_by_test_id("attempts")).to_be_visible()
    return page.url


def test_a_delivery_shows_its_attempts_and_payload(delivery, page):
    page.goto(delivery)
    expect(page.get_by_test_id("attempts")).to_contain_text("204")
    expect(page.get_by_test_id("payload")).to_contain_text("webhooks.test")


def test_the_partner_list_reads_in_chinese(running, partner, page):
    page.goto(f"{running['urls']['webhooks']}/?lang=zh_CN")
    expect(page.get_by_test_id("partners")).to_contain_text("陇南花椒电商")
    expect(page.get_by_test_id("partners")).to_contain_text("电商平台")


def test_an_auditor_reads_the_same_pages_without_the_buttons(running, delivery, page):
    page.goto(f"{running['urls']['webhooks']}/?lang=zh_CN")
    page.click("text=退出登录")
    login(page, running["urls"]["webhooks"], "auditor")
    expect(page.get_by_test_id("partners")).to_contain_text("陇南花椒电商")
    expect(page.get_by_test_id("webhooks-nav")).not_to_contain_text("Register a partner")
    page.goto(delivery)
    expect(page.get_by_test_id("attempts")).to_contain_text("204")
