"""The central office in a real browser: registers a partner, adds an endpoint pointing at
the partner's receiver, sends a test event and reads it in the delivery log; an auditor
reads the same pages without the buttons."""
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


def login(page, url, user):
    page.goto(f"{url}/?lang=en")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("who")).to_contain_text(user)


def test_partner_endpoint_test_event_and_delivery_log(running, page):
    url = running["urls"]["webhooks"]
    receiver = Receiver()
    try:
        login(page, url, "central")
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
        expect(page.get_by_test_id("inbound-secret")).to_contain_text("whsec_")
        page.click("text=Edit partner")
        expect(page.locator("input[name=programs][value=ecommerce]")).to_be_checked()
        expect(page.locator("input[name=areas]")).to_have_value("621202")
        page.fill("input[name=contact]", "赵经理 0939-7654321")
        page.click("[data-testid=partner-form] button")
        expect(page.locator(".flash")).to_contain_text("Partner saved.")
        expect(page.get_by_test_id("partner")).to_contain_text("赵经理")

        page.fill("[data-testid=endpoint-form] input[name=url]", "http://10.1.2.3/hook")
        page.fill("[data-testid=endpoint-form] input[name=event_types]", "ecommerce.sale.*")
        page.click("[data-testid=endpoint-form] button")
        expect(page.locator("[data-error-for=url]")).to_contain_text("private")
        page.fill("[data-testid=endpoint-form] input[name=url]", receiver.url)
        page.click("[data-testid=endpoint-form] button")
        expect(page.get_by_test_id("endpoint")).to_contain_text(receiver.url)
        receiver.secrets = [page.locator("[data-testid=secrets] code").first.inner_text()]

        page.click("[data-testid=test-form] button")
        expect(page.locator(".flash")).to_contain_text("Test event queued")
        for _ in range(60):
            if page.locator("[data-testid=deliveries] tr[data-status=delivered]").count():
                break
            page.wait_for_timeout(500)
            page.reload()
        row = page.locator("[data-testid=deliveries] tr[data-status=delivered]")
        expect(row).to_contain_text("webhooks.test")
        expect(row).to_contain_text("204")
        assert receiver.received and receiver.received[0]["payload"]["type"] == "webhooks.test"

        page.click("text=Edit endpoint")
        page.fill("[data-testid=endpoint-edit-form] input[name=url]", "http://192.168.0.7/hook")
        page.click("[data-testid=endpoint-edit-form] button")
        expect(page.locator("[data-error-for=url]")).to_contain_text("private")
        page.fill("[data-testid=endpoint-edit-form] input[name=url]", receiver.url)
        page.fill("[data-testid=endpoint-edit-form] input[name=event_types]", "ecommerce.*")
        page.click("[data-testid=endpoint-edit-form] button")
        expect(page.locator(".flash")).to_contain_text("Endpoint saved.")
        expect(page.get_by_test_id("endpoint")).to_contain_text("ecommerce.*")

        row = page.locator("[data-testid=deliveries] tr[data-status=delivered]")
        row.locator("a").first.click()
        expect(page.get_by_test_id("attempts")).to_contain_text("204")
        expect(page.get_by_test_id("payload")).to_contain_text("webhooks.test")
        delivery_url = page.url

        page.goto(f"{url}/?lang=zh_CN")
        expect(page.get_by_test_id("partners")).to_contain_text("陇南花椒电商")
        expect(page.get_by_test_id("partners")).to_contain_text("电商平台")

        page.click("text=退出登录")
        login(page, url, "auditor")
        expect(page.get_by_test_id("partners")).to_contain_text("陇南花椒电商")
        expect(page.get_by_test_id("webhooks-nav")).not_to_contain_text("Register a partner")
        page.goto(delivery_url)
        expect(page.get_by_test_id("attempts")).to_contain_text("204")
    finally:
        receiver.close()
