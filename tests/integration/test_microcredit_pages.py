"""The micro-credit pages on the real store: every page renders in both languages, and the
forms rate a household, apply for a loan (field errors first), take it through its steps,
refuse an illegal step at the form, record a fund deposit, and show it all in the report."""
import pytest

from tests.integration.conftest import ensure_running
from tests.integration.microcredit_support import MC, TODAY


@pytest.fixture(scope="module")
def mc(system):
    service = MC(system)
    ensure_running(system, "registry-relay", "microcredit-households")
    yield service
    service.app.extensions["mongo"].close()


@pytest.fixture(scope="module")
def web(mc):
    client = mc.app.test_client()
    with client.session_transaction() as session:
        session["user"], session["csrf"] = "microcredit_op", "token-1"
    return client


def submit(web, path, form, expect=302):
    r = web.post(path + "?lang=en", data={**form, "csrf_token": "token-1"})
    assert r.status_code == expect, r.get_data(as_text=True)[-3000:]
    return r


def test_the_forms_take_a_loan_from_rating_to_repayment(mc, web):
    hid = mc.enrolled(head="石海军")
    r = submit(web, "/ratings", {"household_id": hid, "grade": "poor", "credit_line_yuan": "100"}, expect=422)
    assert 'data-error-for="credit_line_fen"' in r.get_data(as_text=True)
    submit(web, "/ratings", {"household_id": hid, "grade": "good", "credit_line_yuan": "30,000",
                             "rated_on": TODAY.isoformat()})
    assert "30,000.00" in web.get("/ratings?lang=en&grade=good").get_data(as_text=True)

    loan = {"household_id": hid, "principal_yuan": "60000", "term_months": "40", "method": "interest_only",
            "purpose": "种植党参", "bank": "甘肃农信", "applied_on": TODAY.isoformat()}
    page = submit(web, "/loans/new", loan, expect=422).get_data(as_text=True)
    assert 'data-error-for="principal_fen"' in page and 'data-error-for="term_months"' in page
    page = submit(web, "/loans/new", {**loan, "principal_yuan": "12.345", "term_months": "x"},
                  expect=422).get_data(as_text=True)
    assert 'data-error-for="principal_fen"' in page and 'data-error-for="term_months"' in page
    r = submit(web, "/loans/new", {**loan, "principal_yuan": "20000", "term_months": "12"})
    lid = r.headers["Location"].rsplit("/", 1)[-1]

    submit(web, f"/loans/{lid}/approve", {"approved_on": TODAY.isoformat()})
    page = submit(web, f"/loans/{lid}/extend", {"months": "3", "reason": "x"}, expect=422).get_data(as_text=True)
    assert "a loan that is approved" in page
    submit(web, f"/loans/{lid}/disburse", {"disbursed_on": TODAY.isoformat()})
    page = submit(web, f"/loans/{lid}/repay", {"amount_yuan": "", "paid_on": TODAY.isoformat()},
                  expect=422).get_data(as_text=True)
    assert 'data-error-for="amount_fen"' in page
    submit(web, f"/loans/{lid}/repay", {"amount_yuan": "72.50", "paid_on": TODAY.isoformat()})
    page = web.get(f"/loans/{lid}?lang=en").get_data(as_text=True)
    assert "Repaying" in page and "Interest subsidy for instalment 1: ¥72.50" in page
    assert mc.get(f"/api/loans/{lid}")["subsidy_fen"] == 7250
    submit(web, f"/loans/{lid}/nonsense", {}, expect=404)

    submit(web, "/funds", {"county_code": "6212", "amount_yuan": "-1"}, expect=422)
    submit(web, "/funds", {"county_code": "621202", "amount_yuan": "500000", "note": "县财政"})
    assert "500,000.00" in web.get("/funds/621202?lang=en").get_data(as_text=True)

    month = TODAY.isoformat()[:7]
    for lang in ("en", "zh_CN"):
        report = web.get(f"/report?lang={lang}&from={month}&to={month}").get_data(as_text=True)
        assert "20,000.00" in report and 'id="chart-outstanding"' in report
    csv = web.get(f"/report.csv?from={month}&to={month}&lang=en").get_data(as_text=True)
    assert "Repayment rate (%)" in csv and "20000.00" in csv


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("path", ["/", "/?status=overdue&method=interest_only&page=2", "/?status=bad",
                                  "/loans/new", "/ratings", "/ratings?grade=zzz", "/funds",
                                  "/report", "/report?from=2026-13", "/report.csv", "/enrolments"])
def test_every_page_renders(web, path, lang):
    sep = "&" if "?" in path else "?"
    r = web.get(f"{path}{sep}lang={lang}")
    assert r.status_code == 200, r.get_data(as_text=True)[-2000:]
