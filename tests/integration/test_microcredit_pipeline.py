"""Micro-credit through the whole system: a loan from rating and application to closure and
another to write-off against the county fund end as the right timeline entries and
``loans_outstanding_fen`` in the registry (back to 0); an overdue loan of an exited household
raises a return-to-poverty warning; the overdue job run twice on a day publishes once; bad
input on every endpoint gets 4xx naming each field, with nothing written or published."""
import json

import pytest

from tests.integration.conftest import ensure_running
from tests.integration.registry_support import exit_steps, get, post as registry_post, run_task, wait_history
from tests.integration.microcredit_support import MC, PREFIX, READY, TODAY, ago
from tests.support import read_topic, wait_until

@pytest.fixture(scope="module")
def mc(system):
    registry = system.app("registry")
    registry.extensions["settings"] = registry.extensions["settings"].with_(exit_notice_days=0)
    service = MC(system)
    ensure_running(system, "registry-consumer", "registry-relay", "microcredit-relay", "microcredit-households")
    yield service
    service.app.extensions["mongo"].close()


def summary_when(system, hid, predicate, message):
    def check():
        file = get(system, f"/api/households/{hid}", user="auditor")
        return file if predicate(file["summary"]) else None
    return wait_until(check, timeout=90, message=message)


def mc_events(summary) -> int:
    return summary.get("programs", {}).get("microcredit", {}).get("events", 0)


def test_a_loan_from_rating_to_closure_ends_as_timeline_and_outstanding_back_to_zero(system, mc):
    hid = mc.enrolled(head="马向阳")
    loan = mc.lent(hid, 1_200_000, 3, "interest_only", days_ago=93)
    assert loan["status"] == "disbursed" and [i["principal_fen"] for i in loan["schedule"]] == [0, 0, 1_200_000]
    assert [i["interest_fen"] for i in loan["schedule"]] == [4350] * 3     # 12,000 yuan × 4.35% / 12

    file = summary_when(system, hid, lambda s: s.get("loans_outstanding_fen") == 1_200_000,
                        "the disbursement in the registry's summary")
    assert file["summary"]["programs"]["microcredit"]["status"] == "enrolled"

    # The bank reports the first interest; the report arrives twice: recorded once.
    report = {"amount_fen": 4350, "paid_on": ago(62), "partner": "GSRCU", "partner_ref": "TX-0001"}
    first = mc.post(f"/api/loans/{loan['id']}/repayments", report)
    again = mc.post(f"/api/loans/{loan['id']}/repayments", report, expect=200)
    assert again["repayment"] == first["repayment"] and first["repayment"]["source"] == "bank"
    assert first["loan"]["status"] == "repaying" and len(again["loan"]["repayments"]) == 1
    assert first["repayment"]["lines"] == [{"no": 1, "interest_fen": 4350, "principal_fen": 0}]
    other = mc.post(f"/api/loans/{loan['id']}/repayments", {**report, "amount_fen": 4000}, expect=409)
    assert "TX-0001" in other["errors"]["json"]["partner_ref"][0]
    # An operator records the rest: interest 2 and 3 first, then the principal; the loan closes.
    rest = mc.post(f"/api/loans/{loan['id']}/repayments", {"amount_fen": 1_208_700, "paid_on": ago(1)})
    assert rest["loan"]["status"] == "closed" and rest["loan"]["subsidy_fen"] == 3 * 4350
    assert rest["repayment"]["lines"] == [{"no": 2, "interest_fen": 4350, "principal_fen": 0},
                                          {"no": 3, "interest_fen": 4350, "principal_fen": 1_200_000}]
    mc.post(f"/api/loans/{loan['id']}/repayments", {"amount_fen": 1, "paid_on": ago(0)}, expect=409)
    # The bank's first report again after the loan closed: still the repayment recorded then.
    late = mc.post(f"/api/loans/{loan['id']}/repayments", report, expect=200)
    assert late["repayment"] == first["repayment"] and late["loan"]["status"] == "closed"

    # enrolled, rating, applied, approved, disbursed, 2 repayments, 3 subsidies, closed = 11
    file = summary_when(system, hid, lambda s: mc_events(s) == 11, "eleven micro-credit events applied")
    assert file["summary"]["loans_outstanding_fen"] == 0
    # money reaching the household: the loan and the interest subsidies
    assert file["summary"]["programs"]["microcredit"]["amount_fen"] == 1_200_000 + 3 * 4350
    history = wait_history(system, hid, 11, "microcredit")
    kinds = sorted(e["event_type"][len(PREFIX):] for e in history)
    assert kinds == sorted(["enrolment.started.v1", "rating.recorded.v1", "loan.applied.v1", "loan.approved.v1",
                            "loan.disbursed.v1", "repayment.recorded.v1", "repayment.recorded.v1",
                            "interest.subsidized.v1", "interest.subsidized.v1", "interest.subsidized.v1",
                            "loan.closed.v1"])
    titles = {e["event_type"]: e["title_zh"] for e in history}
    assert titles[PREFIX + "loan.closed.v1"] == "扶贫小额信贷 ¥12,000.00 已全部还清"
    own = mc.get(f"/api/loans/{loan['id']}")
    assert [e["type"][len(PREFIX):-3] for e in own["events"]][:5] == [
        "loan.applied", "loan.approved", "loan.disbursed", "repayment.recorded", "interest.subsidized"]
    # A new loan can be applied for once the first is closed.
    mc.post("/api/loans", {"household_id": hid, "principal_fen": 100_000, "term_months": 12,
                           "method": "equal_instalments", "purpose": "种植花椒", "bank": "甘肃农信"})


def _exit(system, hid):
    exit_steps(system, hid, send=registry_post)
    assert get(system, f"/api/households/{hid}")["status"] == "exited"


def _overdue_task(system, day: str) -> dict:
    return run_task(system, "services.microcredit.tasks", "overdue", "--today", day)


def test_an_overdue_loan_of_an_exited_household_warns_once_and_is_written_off_against_the_fund(system, mc):
    hid = mc.enrolled(head="杨秀兰", **READY)
    _exit(system, hid)
    loan = mc.lent(hid, 600_000, 2, "equal_instalments", days_ago=70)
    lid = loan["id"]
    summary_when(system, hid, lambda s: s.get("loans_outstanding_fen") == 600_000, "the loan outstanding")

    # Nothing due yet the day after the disbursement; today both instalments are late: once.
    assert lid not in _overdue_task(system, ago(69))["overdue_published"]
    assert lid in _overdue_task(system, TODAY.isoformat())["overdue_published"]
    assert _overdue_task(system, TODAY.isoformat())["overdue_published"] == []
    late = mc.get(f"/api/loans/{lid}")
    assert late["status"] == "overdue" and late["days_past_due"] == 40 and late["overdue_checked_on"] == TODAY.isoformat()
    assert [i["days_past_due"] for i in late["schedule"]] == [40, 9]

    def warned():
        file = get(system, f"/api/households/{hid}", user="auditor")
        return file["warnings"] if file.get("warnings") else None
    warnings = wait_until(warned, timeout=90, message="the return-to-poverty warning")
    assert [w["risk"] for w in warnings] == ["loan_overdue"]
    topic = system.env["JINGZHUN_TOPIC_PREFIX"] and system.topics.program("microcredit")
    overdue = [r for r in read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], topic, 10_000, timeout=5)
               if dict(r.headers).get("ce_type") == PREFIX.encode() + b"loan.overdue.v1"
               and json.loads(r.value).get("loan_id") == lid]
    assert len(overdue) == 1

    # No fund in the county yet: refused, nothing drawn or written.
    before = mc.written()
    refused = mc.post(f"/api/loans/{lid}/write-off", {"reason": "户主外出务工失联"}, expect=409)
    assert "fund" in refused["errors"]["json"] and mc.written() == before
    fund = mc.post("/api/funds/621202/deposits", {"amount_fen": 10_000_000, "note": "县财政风险补偿金"})
    assert fund["balance_fen"] == 10_000_000
    # Still overdue, an extension is possible, but the county writes it off.
    done = mc.post(f"/api/loans/{lid}/write-off", {"reason": "户主外出务工失联"}, expect=200)
    assert done["status"] == "written_off" and done["written_off_fen"] == 600_000
    mc.post(f"/api/loans/{lid}/write-off", {"reason": "again"}, expect=409)
    fund = mc.get("/api/funds/621202")
    assert fund["balance_fen"] == 9_400_000 and fund["drawn_fen"] == 600_000 and len(fund["draws"]) == 1

    file = summary_when(system, hid, lambda s: s.get("loans_outstanding_fen") == 0 and mc_events(s) == 7,
                        "the write-off in the registry")
    entries = {e["event_type"]: e for e in wait_history(system, hid, 7, "microcredit")}
    assert "风险补偿金代偿 ¥6,000.00" in entries[PREFIX + "loan.written_off.v1"]["title_zh"]
    assert "逾期40天" in entries[PREFIX + "loan.overdue.v1"]["title_zh"]
    # The report counts the write-off in this month, and the loan no longer outstanding.
    month = TODAY.isoformat()[:7]
    report = mc.get(f"/api/report?from={month}&to={month}&county_code=621202")
    assert report["rows"][0]["written_off_fen"] >= 600_000


def test_an_extension_reschedules_an_overdue_loan(system, mc):
    hid = mc.enrolled(head="丁建华")
    loan = mc.lent(hid, 300_000, 1, "equal_instalments", days_ago=40)
    assert loan["id"] in _overdue_task(system, TODAY.isoformat())["overdue_published"]
    extended = mc.post(f"/api/loans/{loan['id']}/extend", {"months": 6, "reason": "冰雹灾害"}, expect=200)
    assert extended["status"] == "extended" and len(extended["schedule"]) == 6
    assert sum(i["principal_fen"] for i in extended["schedule"]) == 300_000
    again = mc.post(f"/api/loans/{loan['id']}/extend", {"months": 6, "reason": "x"}, expect=409)
    assert "extended" in again["message"]


def test_unknown_households_no_rating_and_illegal_steps_are_refused_with_nothing_written(system, mc):
    unknown = "H621202ZZZZZZZZZZ"
    before = mc.written()
    r = mc.post("/api/ratings", {"household_id": unknown, "grade": "good", "credit_line_fen": 100}, expect=422)
    assert "unknown household" in r["errors"]["json"]["household_id"][0]
    r = mc.post("/api/loans", {"household_id": unknown, "principal_fen": 100, "term_months": 12,
                               "method": "interest_only", "purpose": "养羊", "bank": "农行"}, expect=422)
    assert "unknown household" in r["errors"]["json"]["household_id"][0]
    assert mc.written() == before

    hid = mc.enrolled(head="赵德明")
    before = mc.written()
    loan = {"household_id": hid, "principal_fen": 2_000_000, "term_months": 36, "method": "equal_instalments",
            "purpose": "种植中药材", "bank": "甘肃农信"}
    r = mc.post("/api/loans", loan, expect=409)
    assert "no credit rating" in r["errors"]["json"]["household_id"][0]
    r = mc.post("/api/ratings", {"household_id": hid, "grade": "poor", "credit_line_fen": 100}, expect=422)
    assert "credit_line_fen" in r["errors"]["json"]
    assert mc.written() == before
    mc.post("/api/ratings", {"household_id": hid, "grade": "fair", "credit_line_fen": 1_000_000})
    before = mc.written()
    r = mc.post("/api/loans", loan, expect=422)
    assert "credit line" in r["errors"]["json"]["principal_fen"][0]
    r = mc.post("/api/loans", {**loan, "principal_fen": 6_000_000, "term_months": 48}, expect=422)
    assert set(r["errors"]["json"]) == {"principal_fen", "term_months"}
    assert mc.written() == before

    applied = mc.post("/api/loans", {**loan, "principal_fen": 1_000_000})
    mc.post("/api/loans", {**loan, "principal_fen": 1000}, expect=409)        # one open loan per household
    before = mc.written()
    for step, body in (("disburse", {}), ("extend", {"months": 3, "reason": "x"}), ("write-off", {"reason": "x"})):
        r = mc.post(f"/api/loans/{applied['id']}/{step}", body, expect=409)
        assert "a loan that is applied" in r["errors"]["json"]["status"][0], r
    r = mc.post(f"/api/loans/{applied['id']}/repayments", {"amount_fen": 100, "paid_on": ago(0)}, expect=409)
    assert "a loan that is applied" in r["message"]
    r = mc.post(f"/api/loans/{applied['id']}/approve", {}, expect=403, user="tourism_op")
    assert mc.written() == before
    mc.post(f"/api/loans/{applied['id']}/reject", {"reason": "用途不符"}, expect=200)
    r = mc.post(f"/api/loans/{applied['id']}/approve", {}, expect=409)
    assert "a loan that is rejected" in r["message"]


BAD = [
    ("post", "/api/ratings", {"household_id": "nope", "grade": "AAA", "credit_line_fen": -1, "rated_on": "x", "extra": 1},
     {"household_id", "grade", "credit_line_fen", "rated_on", "extra"}),
    ("post", "/api/loans", {"household_id": 5, "principal_fen": "10", "term_months": 0, "method": "balloon",
                            "purpose": "", "applied_on": "2026-02-30"},
     {"household_id", "principal_fen", "term_months", "method", "purpose", "bank", "applied_on"}),
    ("post", "/api/loans/{lid}/approve", {"approved_on": "tomorrow", "by": "me"}, {"approved_on", "by"}),
    ("post", "/api/loans/{lid}/reject", {"rejected_on": 3}, {"rejected_on", "reason"}),
    ("post", "/api/loans/{lid}/disburse", {"disbursed_on": ""}, {"disbursed_on"}),
    ("post", "/api/loans/{lid}/repayments", {"amount_fen": 0, "paid_on": "2026/01/01", "partner": "",
                                             "partner_ref": "x" * 129, "bank": "x"},
     {"amount_fen", "paid_on", "partner", "partner_ref", "bank"}),
    ("post", "/api/loans/{lid}/repayments", {"amount_fen": 1.5}, {"amount_fen", "paid_on"}),
    ("post", "/api/loans/{lid}/extend", {"months": "six", "extended_on": "no"}, {"months", "extended_on", "reason"}),
    ("post", "/api/loans/{lid}/write-off", {"written_off_on": "2026-13-01"}, {"written_off_on", "reason"}),
    ("post", "/api/funds/621202/deposits", {"amount_fen": -5, "deposited_on": "x", "note": 3},
     {"amount_fen", "deposited_on", "note"}),
    ("get", "/api/loans?status=lost&page=0&county_code=62", None, {"status", "page", "county_code"}),
    ("get", "/api/ratings?grade=A&per_page=1000", None, {"grade", "per_page"}),
    ("get", "/api/report?from=2026-13&to=2026-01", None, {"from"}),
]


@pytest.mark.parametrize("method,path,body,fields", BAD, ids=[f"{m} {p}" for m, p, _, _ in BAD])
def test_bad_input_on_every_endpoint_names_each_field_and_writes_nothing(system, mc, method, path, body, fields):
    lid = "L-ANY"
    loans = list(mc.db["loans"].find({}, {"_id": 1}).limit(1))
    if loans:
        lid = loans[0]["_id"]
    before = mc.written()
    r = getattr(mc.app.test_client(), method)(path.format(lid=lid), json=body, headers=system.headers("microcredit_op"))
    assert r.status_code == 422, (path, r.status_code, r.get_json())
    errors = r.get_json()["errors"]
    named = set(errors.get("json", {})) | set(errors.get("query", {}))
    assert named == fields, errors
    assert mc.written() == before


def test_the_bad_funds_path_and_an_unknown_loan_are_4xx(system, mc):
    mc.call("post", "/api/funds/62/deposits", {"amount_fen": 5}, expect=422)
    mc.call("post", "/api/loans/L-NOPE/approve", {}, expect=404)
    mc.call("get", "/api/loans/L-NOPE", expect=404, user="auditor")


def test_a_write_off_retried_after_a_crash_between_the_draw_and_the_loan_draws_once(system, mc):
    hid = mc.enrolled(head="何振国")
    loan = mc.lent(hid, 200_000, 1, "interest_only", days_ago=45)
    assert loan["id"] in _overdue_task(system, TODAY.isoformat())["overdue_published"]
    mc.post("/api/funds/621202/deposits", {"amount_fen": 1_000_000})
    before = mc.get("/api/funds/621202")
    # The first attempt drew from the fund (its event queued with the draw) and died before
    # closing the loan: do just the draw, as that attempt did.
    from services.microcredit.adapters.common import emit
    from shared.events.types import microcredit as ev
    event, _ = emit(ev.LOAN_WRITTEN_OFF, hid, {"recorded_by": "microcredit_op", "loan_id": loan["id"],
                                               "written_off_on": TODAY.isoformat(), "principal_fen": 200_000,
                                               "interest_fen": 725, "county_code": "621202", "reason": "失联"})
    service = mc.app.extensions["microcredit"]
    assert service.funds.draw("621202", loan["id"], 200_000, TODAY.isoformat(), "microcredit_op", event) == "drawn"
    assert mc.get(f"/api/loans/{loan['id']}")["status"] == "overdue"

    done = mc.post(f"/api/loans/{loan['id']}/write-off", {"reason": "失联"}, expect=200)
    assert done["status"] == "written_off"
    fund = mc.get("/api/funds/621202")
    assert fund["balance_fen"] == before["balance_fen"] - 200_000
    assert [d["loan_id"] for d in fund["draws"]].count(loan["id"]) == 1
    # One write-off event reaches the registry, and the outstanding loan is gone.
    summary_when(system, hid, lambda s: s.get("loans_outstanding_fen") == 0, "the write-off applied")
    entries = wait_history(system, hid, 7, "microcredit")
    assert [e["event_type"] for e in entries].count(PREFIX + "loan.written_off.v1") == 1
