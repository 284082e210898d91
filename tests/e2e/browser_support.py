"""Helpers for the browser tests."""
from playwright.sync_api import expect


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
