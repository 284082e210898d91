"""The household card in a real browser: a county operator opens it from the household page,
prints it without the site's navigation, downloads the PDF; the PDF's text has the head of
household and the programs. A village's cards open from the list of its households."""
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.browser_support import open_page
from tests.pdf_text import pdf_pages
from tests.support import PASSWORD, wait_until

VILLAGE = "621202104201"
HEAD = "明白卡"


def _api(running, service, method, path, body, expect_status=(200, 201)):
    r = requests.request(method, running["urls"][service] + path, json=body, timeout=10,
                         headers={"Authorization": f"Bearer {running['tokens']['central']}"})
    return r if r.status_code in expect_status else None


@pytest.fixture(scope="module")
def carded(running):
    """A household enrolled in e-commerce (with a sale) and in tourism, once the registry has them."""
    r = _api(running, "registry", "POST", "/api/households", {
        "village_code": VILLAGE, "township": "汉王镇", "village": "寺背村", "main_cause": "lack_of_funds",
        "income_per_capita_fen": 310000, "cadre": {"name": "赵驻村", "phone": "13900000000"},
        "members": [{"name": HEAD, "relation": "head", "sex": "female", "birth_year": 1975},
                    {"name": "明小军", "relation": "child", "sex": "male", "birth_year": 2003}]})
    assert r is not None
    hid = r.json()["id"]
    for service in ("ecommerce", "tourism"):   # retried while the program has not learnt of the new file
        wait_until(lambda: _api(running, service, "POST", "/api/enrolments", {"household_id": hid}), timeout=90,
                   message=f"{hid} enrolled in {service}")
    assert _api(running, "ecommerce", "POST", "/api/sales", {
        "household_id": hid, "product": "花椒", "quantity": 12, "unit": "kg", "amount_fen": 72000,
        "income_fen": 60000, "channel": "partner_platform", "partner": "pinduoduo", "partner_ref": f"CARD-{hid}",
        "sold_on": "2026-11-01"}) is not None

    def applied():
        programs = _api(running, "registry", "GET", f"/api/households/{hid}", None).json()["summary"]["programs"]
        return programs.get("ecommerce", {}).get("events", 0) >= 2 and "tourism" in programs
    wait_until(applied, timeout=90, message="the registry applied the programs' events")
    return hid


@pytest.fixture(scope="module")
def page(running):
    with open_page("zh-CN") as page:
        yield page


def test_the_card_on_screen_in_print_and_as_a_pdf(running, carded, page, tmp_path):
    registry = running["urls"]["registry"]
    page.goto(f"{registry}/login?lang=zh_CN")
    page.fill("input[name=username]", "county_wudu")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{registry}/households/{carded}")
    page.get_by_test_id("card-link").click()
    card = page.get_by_test_id("card")
    expect(card).to_contain_text(HEAD)
    expect(page.get_by_test_id("card-file")).to_contain_text("赵驻村")
    measures = page.get_by_test_id("card-measures")
    expect(measures).to_contain_text("电商扶贫")
    expect(measures).to_contain_text("乡村旅游扶贫")
    expect(measures).to_contain_text("花椒")
    expect(page.get_by_test_id("card-exit")).to_contain_text("脱贫标准")
    page.screenshot(path=str(tmp_path / "card.png"), full_page=True)

    # Printed: the card alone, without the site's navigation or the buttons.
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.get_by_test_id("card-pdf")).to_be_hidden()
    expect(card).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_test_id("card-pdf").click()
    assert download.value.suggested_filename == f"card-{carded}.pdf"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    text = "".join(pdf_pages(Path(saved).read_bytes()))
    for expected in (HEAD, "电商扶贫", "乡村旅游扶贫", "花椒", "赵驻村"):
        assert expected in text, expected


def test_a_village_s_cards_open_from_the_list_of_its_households(running, carded, page):
    registry = running["urls"]["registry"]
    page.goto(f"{registry}/?area={VILLAGE}&lang=zh_CN")
    page.get_by_test_id("village-cards").click()
    expect(page.locator(f"[data-testid=card][data-household={carded}]")).to_contain_text(HEAD)
    with page.expect_download() as download:
        page.get_by_test_id("card-pdf").click()
    assert download.value.suggested_filename == f"cards-{VILLAGE}.pdf"
    text = "".join(pdf_pages(Path(download.value.path()).read_bytes()))
    assert HEAD in text
