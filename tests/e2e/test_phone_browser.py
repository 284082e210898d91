"""The pages a village cadre works with, on a phone (390×844) and on a desktop: nothing wider
than the screen and the controls in reach; each role's header offers only what it may open;
each role lands on its own place after logging in."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shared.auth.store import AuthStore
from shared.config import Settings
from shared.store import auth_db, make_client
from services.registry.domain.exit_rules import GUARANTEES
from services.registry.domain.id_numbers import check_digit
from tests.e2e.browser_support import launched, registry_api
from tests.support import PASSWORD

SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
VILLAGE = "621202106202"   # 角弓镇 西坪村, Wudu: no other browser test files households there
ID_NUMBER = "62120219790315002" + check_digit("62120219790315002")
PROVINCE_OFFICE = "province_gansu"   # a provincial office: the central role, with a home province
SUBMIT = "main form button[type=submit]"


_api = registry_api


@pytest.fixture(scope="module")
def household(running):
    """A household of Wudu with a member's ID number and a change request the cadre proposed:
    every table of its page has rows."""
    h = _api(running, "POST", "/api/households", json={
        "village_code": VILLAGE, "township": "角弓镇", "village": "西坪村", "main_cause": "illness",
        "income_per_capita_fen": 320000,
        "members": [{"name": "马秀英", "relation": "head", "sex": "female", "birth_year": 1979, "id_number": ID_NUMBER},
                    {"name": "马小军", "relation": "child", "sex": "male", "birth_year": 2008, "health": "chronic_illness"}]})
    _api(running, "POST", f"/api/households/{h['id']}/change-requests", user="cadre_wudu", json={
        "kind": "edit_fields", "reason": "2026年秋收后核实家庭人均纯收入，较去年明显增加",
        "payload": {"fields": {"income_per_capita_fen": 410000}}})
    return h["id"]


@pytest.fixture(scope="module")
def proposed(running):
    """A household whose exit the cadre proposed: the county's page shows the next steps, one
    of them (reject) with its reason field."""
    h = _api(running, "POST", "/api/households", json={
        "village_code": VILLAGE, "township": "角弓镇", "village": "西坪村", "main_cause": "lack_of_skills",
        "income_per_capita_fen": 620000, "guarantees": {g: True for g in GUARANTEES},
        "members": [{"name": "杨建国", "relation": "head", "sex": "male", "birth_year": 1970}]})
    _api(running, "POST", f"/api/households/{h['id']}/exit-steps", user="cadre_wudu", json={"step": "propose_exit"})
    return h["id"]


@pytest.fixture(scope="module")
def province_office(running):
    settings = Settings.from_env("registry", running["env"])
    client = make_client(settings)
    try:
        AuthStore(auth_db(client, settings)).upsert_user(PROVINCE_OFFICE, PASSWORD, "central",
                                                         display_name="甘肃省扶贫办", province="620000")
    finally:
        client.close()
    return PROVINCE_OFFICE


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def sessions(browser, running):
    """A logged-in page per (user, screen), made on first use and kept for the module."""
    pages = {}

    def open_as(user: str, screen: str):
        if (user, screen) not in pages:
            context = browser.new_context(locale="zh-CN", **SCREENS[screen])
            page = context.new_page()
            page.set_default_timeout(15000)
            log_in(page, running, user)
            pages[user, screen] = page
        return pages[user, screen]

    yield open_as
    for page in pages.values():
        page.context.close()


def log_in(page, running, user: str) -> None:
    page.goto(f"{running['urls']['registry']}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("main button[type=submit]")


def assert_fits(page) -> None:
    """No sideways scrolling: the document is no wider than the window."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in a {widths[1]} px window"


def assert_in_reach(page, selector: str) -> None:
    """Shown, and inside the window's width (not clipped in a box the person must scroll)."""
    control = page.locator(selector).first
    expect(control).to_be_visible()
    control.scroll_into_view_if_needed()
    box, width = control.bounding_box(), page.evaluate("window.innerWidth")
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (page.url, selector, box, width)


# --- the cadre's pages ---------------------------------------------------------------------
# (who, service, path with {household}, the controls the page is for)
CADRE_PAGES = [
    ("cadre_wudu", "registry", "/",
     ["input[name=q]", "form.searchbar button[type=submit]", "table a[href*='/households/']"]),
    ("cadre_wudu", "registry", "/households/{household}",
     ["[data-testid=members]", "[data-testid=exit-panel] button[data-step=propose_exit]",
      "[data-testid=propose-change] select[name=kind]", "[data-testid=propose-change] button[type=submit]"]),
    ("cadre_wudu", "registry", "/households/new", ["input[name=village_code]", SUBMIT]),
    ("cadre_wudu", "registry", "/change-requests", ["table a[href*='/households/']"]),
    # The county's decisions on what the cadre proposed: the change, the exit.
    ("county_wudu", "registry", "/change-requests", ["button[data-decision=approve]"]),
    ("county_wudu", "registry", "/households/{proposed}",
     ["button[data-step=township_check]", "[data-testid=exit-panel] input[name=reason]",
      "button[data-step=reject_exit]"]),
    # The record forms of the programs.
    ("ecommerce_op", "ecommerce", "/sales/new", ["input[name=household_id]", SUBMIT]),
    ("tourism_op", "tourism", "/bookings/new", [SUBMIT]),
    ("central", "photovoltaic", "/reports/new", [SUBMIT]),
    ("microcredit_op", "microcredit", "/loans/new", ["input[name=household_id]", SUBMIT]),
    ("relocation_op", "relocation", "/cases/new", ["input[name=household_id]", SUBMIT]),
]


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("user,service,path,controls", CADRE_PAGES,
                         ids=[f"{u}:{s}{p}" for u, s, p, _ in CADRE_PAGES])
def test_the_page_fits_the_screen_with_its_controls_in_reach(running, sessions, household, proposed, screen, user,
                                                              service, path, controls):
    page = sessions(user, screen)
    response = page.goto(running["urls"][service] + path.format(household=household, proposed=proposed))
    assert response.status == 200, (path, response.status)
    assert_fits(page)
    for selector in controls:
        assert_in_reach(page, selector)


def test_on_a_phone_the_header_is_short_and_its_menu_opens(running, sessions, household):
    page = sessions("cadre_wudu", "phone")
    page.goto(f"{running['urls']['registry']}/households/{household}")
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 110, f"the header takes {header['height']} px of 844"
    links = page.locator("nav.services a")
    expect(links.first).to_be_hidden()
    page.click("[data-testid=menu-toggle]")
    expect(links.first).to_be_visible()
    assert_fits(page)
    page.click("[data-testid=menu-toggle]")
    expect(links.first).to_be_hidden()


def test_on_a_phone_a_table_row_reads_as_label_and_value(running, sessions, household):
    page = sessions("cadre_wudu", "phone")
    page.goto(f"{running['urls']['registry']}/households/{household}")
    heading = page.locator("[data-testid=members] thead th").first.inner_text()   # 名称 (Name)
    member = page.locator("[data-testid=members] tr:has(td)").first
    expect(member).to_contain_text("马秀英")
    assert member.locator("td").first.get_attribute("data-label") == heading
    # The heading is shown beside the value (the header row itself is hidden on a phone).
    expect(page.locator("[data-testid=members] thead")).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=members] td'), '::before').content") \
        == f'"{heading}"'


# --- what each role's header offers ----------------------------------------------------------
def _header_services(page) -> list[str]:
    return page.eval_on_selector_all("nav.services a", "links => links.map(a => a.dataset.service)")


def test_a_county_operator_is_offered_only_what_it_may_open(running, sessions):
    page = sessions("county_wudu", "desktop")
    page.goto(f"{running['urls']['registry']}/")
    shown = _header_services(page)
    assert "webhooks" not in shown and "registry" in shown, shown
    for href in page.eval_on_selector_all("nav.services a", "links => links.map(a => a.href)"):
        assert page.request.get(href).status == 200, href
    # What the header hides is what the route refuses.
    assert page.request.get(f"{running['urls']['webhooks']}/").status == 403
    # In a program it only reads: no "record a sale", and the page behind it is refused.
    page.goto(f"{running['urls']['ecommerce']}/")
    expect(page.locator("a[href$='/sales/new']")).to_have_count(0)
    assert page.request.get(f"{running['urls']['ecommerce']}/sales/new").status == 403


def test_the_central_office_is_offered_every_service(running, sessions):
    page = sessions("central", "desktop")
    page.goto(f"{running['urls']['registry']}/")
    assert _header_services(page) == ["registry", "ecommerce", "tourism", "photovoltaic", "microcredit",
                                      "relocation", "webhooks"]


# --- where each role lands ---------------------------------------------------------------------
@pytest.mark.parametrize("user,area", [("central", "000000"), ("county_wudu", "621202"), (PROVINCE_OFFICE, "620000")])
def test_an_office_lands_on_the_dashboard_of_its_area(running, browser, province_office, user, area):
    context = browser.new_context(locale="zh-CN", **SCREENS["desktop"])
    try:
        page = context.new_page()
        log_in(page, running, user)
        assert page.url == f"{running['urls']['registry']}/dashboard", page.url
        expect(page.get_by_test_id("dashboard-area")).to_have_attribute("data-area", area)
        if area == "000000":
            expect(page.get_by_test_id("dashboard-area")).to_contain_text("全国")
            expect(page.get_by_test_id("children")).to_contain_text("甘肃省")   # the provinces below
        # The header's brand leads back here.
        expect(page.locator("header .brand")).to_have_attribute("href", f"{running['urls']['registry']}/dashboard")
    finally:
        context.close()


@pytest.mark.parametrize("user,service", [("cadre_wudu", "registry"), ("ecommerce_op", "ecommerce")])
def test_a_cadre_lands_on_the_files_and_a_program_operator_on_its_program(running, browser, user, service):
    context = browser.new_context(locale="zh-CN", **SCREENS["phone"])
    try:
        page = context.new_page()
        log_in(page, running, user)
        assert page.url == f"{running['urls'][service]}/", page.url
    finally:
        context.close()


def test_a_page_asked_for_before_logging_in_is_where_the_login_leads(running, browser, household):
    context = browser.new_context(locale="zh-CN", **SCREENS["phone"])
    try:
        page = context.new_page()
        page.goto(f"{running['urls']['registry']}/households/{household}")
        page.fill("input[name=username]", "cadre_wudu")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url == f"{running['urls']['registry']}/households/{household}", page.url
    finally:
        context.close()
