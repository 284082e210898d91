"""The public notice (issue 18) on a phone, without logging in: the households in notice with
masked names, the page no wider than the screen, an objection lodged from it and seen by the
county; in Chinese and in English."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from services.registry.domain.exit_rules import GUARANTEES
from tests.e2e.browser_support import launched, registry_api

VILLAGE = "621202106203"   # 角弓镇 东坪村, Wudu: no other browser test files households there
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
STEP_BY = {"propose_exit": "cadre_wudu", "township_check": "county_wudu", "county_approve": "county_wudu_head"}


@pytest.fixture(scope="module")
def in_notice(running):
    h = registry_api(running, "POST", "/api/households", json={
        "village_code": VILLAGE, "township": "角弓镇", "village": "东坪村", "main_cause": "illness",
        "income_per_capita_fen": 620000, "guarantees": {g: True for g in GUARANTEES},
        "members": [{"name": "张小明", "relation": "head", "sex": "male", "birth_year": 1966}]})
    for step, user in STEP_BY.items():
        registry_api(running, "POST", f"/api/households/{h['id']}/exit-steps", user=user, json={"step": step})
    return h["id"]


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium


@pytest.mark.parametrize("locale, title", [("zh_CN", "贫困户脱贫公示"), ("en", "Public notice of exits from poverty")])
def test_anyone_reads_the_notice_and_objects_from_a_phone(running, browser, in_notice, locale, title):
    context = browser.new_context(locale="zh-CN", **PHONE)   # a stranger: no session, no login
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        response = page.goto(f"{running['urls']['registry']}/notices/{VILLAGE}?lang={locale}")
        assert response.status == 200 and "/login" not in page.url
        expect(page.get_by_test_id("notice-title")).to_contain_text(title)
        row = page.locator(f"tr[data-household='{in_notice}']")
        expect(row).to_contain_text("张*明")
        assert "张小明" not in page.content()
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"the notice is {widths[0]} px wide in a {widths[1]} px window"
        button = page.get_by_test_id("lodge")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= widths[1]
        page.select_option("select[name=household_id]", in_notice)
        page.fill("input[name=name]", "李四")
        page.fill("input[name=contact]", f"1380000{len(locale):04d}")
        page.fill("textarea[name=text]", f"该户仍有重病人（{locale}）")
        with page.expect_navigation(wait_until="domcontentloaded"):
            button.click()
        expect(page.locator("p.flash")).to_be_visible()
        assert page.url.endswith(f"/notices/{VILLAGE}")
    finally:
        context.close()
    objections = registry_api(running, "GET", f"/api/households/{in_notice}/objections", user="county_wudu")
    assert f"该户仍有重病人（{locale}）" in [o["text"] for o in objections]
