"""Helpers for the browser tests: Debian's Chromium driven by Playwright."""
from contextlib import contextmanager

import requests
from playwright.sync_api import expect, sync_playwright

# As the machine's probe starts it: no sandbox as root, and no background connections to a
# network these machines do not have.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def launched():
    """Debian's Chromium, headless, closed when done (a browser test module's fixture)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(locale: str):
    with launched() as browser:
        context = browser.new_context(locale=locale)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()


def enrol_in_browser(page, household_id: str, attempts: int = 60) -> None:
    """Enrol on the service's enrolments page (already open, form pre-filled), retrying while
    the service has not yet learnt of the new file from the registry's households topic."""
    for _ in range(attempts):
        with page.expect_navigation():  # read the flash of the answer, not of the page before
            page.click("[data-testid=enrol-form] button")
        message = page.locator(".flash").inner_text()
        if "enrolled." in message:
            break
        assert "unknown household" in message, message
        page.wait_for_timeout(500)
    expect(page.get_by_test_id("enrolments")).to_contain_text(household_id)


def registry_api(running, method: str, path: str, user: str = "central", **kw):
    """A call to the registry's API as ``user`` (its test token) that must succeed; its JSON."""
    r = requests.request(method, running["urls"]["registry"] + path, timeout=10,
                         headers={"Authorization": f"Bearer {running['tokens'][user]}"}, **kw)
    assert r.status_code < 300, (path, r.status_code, r.text)
    return r.json()
