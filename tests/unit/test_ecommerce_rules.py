"""E-commerce rules: refunds (what remains, the household's share, rounding), sale statuses,
stores and their households, training attendance, the monthly report, record histories."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from shared.events.catalogue import CATALOGUE
from shared.events.types.ecommerce import SALE_REFUNDED
from services.ecommerce.domain import records, reports
from services.ecommerce.domain.sales import (PARTLY_REFUNDED, RECORDED, REFUNDED, RefundRefused, check_refund,
                                             default_refund_income, in_future, month_of, partner_sale_id, remaining,
                                             status_after)
from services.ecommerce.domain.stores import (check_store, commitment_changes, households_of, sale_store_problem,
                                              store_county)
from services.ecommerce.domain.training import attendance_problem, clean_members

HID = "H621202ABCDEFGHJK"
OTHER = "H621202ZZZZZZZZZZ"
WENXIAN = "H621222ABCDEFGHJK"


def sale(amount=60000, income=50000, refunded_amount=0, refunded_income=0, status=RECORDED, sold_on="2026-10-03"):
    return {"_id": "S1", "amount_fen": amount, "income_fen": income, "refunded_amount_fen": refunded_amount,
            "refunded_income_fen": refunded_income, "status": status, "sold_on": sold_on}


# --- refunds ---------------------------------------------------------------------------------
def test_a_refund_takes_back_the_households_share_rounded_down():
    assert default_refund_income(60000, 50000, 10000) == 8333   # 8333.33…
    assert check_refund(sale(), 10000, None) == 8333


def test_the_last_refund_takes_back_exactly_what_is_left():
    assert default_refund_income(50000, 41667, 50000) == 41667
    assert check_refund(sale(refunded_amount=10000, refunded_income=8333), 50000, None) == 41667


@given(amount=st.integers(1, 10**7), share=st.floats(0, 1), cuts=st.lists(st.floats(0.01, 1), min_size=1, max_size=6))
def test_any_sequence_of_default_refunds_reverses_the_income_exactly_and_keeps_income_within_amount(amount, share, cuts):
    s = sale(amount=amount, income=int(amount * share))
    for cut in cuts + [1.0]:
        amount_left, income_left = remaining(s)
        if amount_left == 0:
            break
        refund = max(1, min(amount_left, int(amount_left * cut)))
        income = check_refund(s, refund, None)
        s["refunded_amount_fen"] += refund
        s["refunded_income_fen"] += income
        s["status"] = status_after(s["amount_fen"], s["refunded_amount_fen"])
        amount_left, income_left = remaining(s)
        assert 0 <= income_left <= amount_left
    assert remaining(s) == (0, 0) and s["status"] == REFUNDED


def test_a_refund_cannot_exceed_what_remains():
    with pytest.raises(RefundRefused) as refused:
        check_refund(sale(refunded_amount=50000, refunded_income=40000), 10001, None)
    assert set(refused.value.errors) == {"amount_fen"}
    assert "100.00" in refused.value.errors["amount_fen"][0]


def test_a_fully_refunded_sale_takes_no_more_refunds():
    with pytest.raises(RefundRefused) as refused:
        check_refund(sale(refunded_amount=60000, refunded_income=50000, status=REFUNDED), 1, None)
    assert "already fully refunded" in str(refused.value)


@pytest.mark.parametrize("amount, income, field", [
    (0, None, "amount_fen"),            # nothing refunded
    (10000, 10001, "income_fen"),       # more income than money given back
    (10000, 1, "income_fen"),           # would leave more income than money in the sale (59999 > 50000)
])
def test_refund_money_that_does_not_fit_names_the_field(amount, income, field):
    with pytest.raises(RefundRefused) as refused:
        check_refund(sale(amount=60000, income=60000), amount, income)
    assert set(refused.value.errors) == {field}


def test_a_refund_given_explicitly_within_the_bounds_is_taken():
    assert check_refund(sale(amount=60000, income=30000), 10000, 0) == 0          # 30000 left ≤ 50000 left
    assert check_refund(sale(amount=60000, income=30000), 10000, 10000) == 10000


def test_a_refund_before_the_sale_is_refused():
    with pytest.raises(RefundRefused) as refused:
        check_refund(sale(sold_on="2026-10-03"), 100, None, date(2026, 10, 2))
    assert set(refused.value.errors) == {"refunded_on"}


def test_sale_status_follows_the_refunded_amount():
    assert [status_after(100, r) for r in (0, 1, 99, 100)] == [RECORDED, PARTLY_REFUNDED, PARTLY_REFUNDED, REFUNDED]


def test_the_refund_event_subtracts_income_and_amount_in_the_registry():
    data = {"household_id": HID, "recorded_by": "op", "sale_id": "S1", "refund_id": "S1-R1", "product": "花椒",
            "amount_fen": 10000, "income_fen": 8333, "refunded_on": "2026-11-02", "reason": "坏果", "fully_refunded": False}
    SALE_REFUNDED.validate(data)
    assert SALE_REFUNDED.income_fen(data) == -8333 and SALE_REFUNDED.amount_fen(data) == -10000
    assert "¥100.00" in SALE_REFUNDED.title(data, "en") and "减收 ¥83.33" in SALE_REFUNDED.title(data, "zh")


def test_partner_reports_get_a_stable_id_and_dates_in_the_future_are_tomorrow_at_most():
    assert partner_sale_id("jd", "X1") == partner_sale_id("jd", "X1") != partner_sale_id("taobao", "X1")
    today = date(2026, 11, 29)
    assert not in_future(date(2026, 11, 30), today) and in_future(date(2026, 12, 1), today)
    assert month_of("2026-11-03") == month_of(date(2026, 11, 30)) == "2026-11"


# --- stores ----------------------------------------------------------------------------------
def test_a_households_store_names_only_the_household():
    assert check_store({"kind": "household", "household_id": HID}) == {}
    assert set(check_store({"kind": "household", "committed_households": [HID]})) == {"household_id",
                                                                                     "committed_households"}
    assert store_county({"kind": "household", "household_id": WENXIAN}) == "621222"


def test_a_cooperative_store_names_its_county_and_households_of_that_county():
    good = {"kind": "cooperative", "owner_name": "社", "county_code": "621202", "committed_households": [HID, OTHER]}
    assert check_store(good) == {}
    assert set(check_store({"kind": "enterprise"})) == {"owner_name", "county_code", "committed_households"}
    assert check_store({**good, "committed_households": [HID, WENXIAN]}) == {
        "committed_households": [f"Not in county 621202: {WENXIAN}."]}
    assert check_store({**good, "committed_households": [HID, HID]}) == {
        "committed_households": ["A household is named twice."]}


def test_commitment_changes_and_the_households_a_store_concerns():
    assert commitment_changes([HID, OTHER], [OTHER, WENXIAN]) == ([WENXIAN], [HID])
    assert households_of({"kind": "household", "household_id": HID}) == [HID]
    assert households_of({"kind": "enterprise", "committed_households": [HID, OTHER]}) == [HID, OTHER]


@pytest.mark.parametrize("store, household, channel, field", [
    (None, HID, "own_store", "store_id"),
    ({"kind": "household", "household_id": HID, "status": "closed"}, HID, "own_store", "store_id"),
    ({"kind": "household", "household_id": HID, "status": "open"}, OTHER, "own_store", "store_id"),
    ({"kind": "household", "household_id": HID, "status": "open"}, HID, "enterprise_purchase", "channel"),
    ({"kind": "enterprise", "committed_households": [HID], "status": "open"}, HID, "own_store", "channel"),
])
def test_a_sale_names_only_a_store_it_fits(store, household, channel, field):
    assert set(sale_store_problem(store, household, channel)) == {field}


def test_a_sale_fits_its_store():
    assert sale_store_problem({"kind": "household", "household_id": HID, "status": "open"}, HID, "partner_platform") == {}
    assert sale_store_problem({"kind": "cooperative", "committed_households": [HID], "status": "open"},
                              HID, "enterprise_purchase") == {}


# --- training --------------------------------------------------------------------------------
def test_member_names_are_kept_as_given_once_each():
    assert clean_members([" 王建国 ", "李  秀英", "王建国", ""]) == ["王建国", "李 秀英"]


def test_attendance_needs_a_held_session_in_the_households_county_once():
    session = {"county_code": "621202", "held_on": "2026-11-10", "attendee_ids": [OTHER]}
    today = date(2026, 11, 29)
    assert attendance_problem(session, HID, today) is None
    assert "not in county" in attendance_problem(session, WENXIAN, today)
    assert "already recorded" in attendance_problem(session, OTHER, today)
    assert "planned" in attendance_problem({**session, "held_on": "2026-12-05"}, HID, today)


# --- the report --------------------------------------------------------------------------------
def test_sales_count_in_their_month_and_refunds_in_theirs_per_county():
    sales = [
        {"household_id": HID, "county_code": "621202", "month": "2026-12", "amount_fen": 60000, "income_fen": 50000,
         "refunds": [{"month": "2027-01", "amount_fen": 10000, "income_fen": 8333}]},
        {"household_id": HID, "county_code": "621202", "month": "2026-12", "amount_fen": 100, "income_fen": 100, "refunds": []},
        {"household_id": WENXIAN, "county_code": "621222", "month": "2027-01", "amount_fen": 500, "income_fen": 400},
    ]
    rows = reports.monthly(sales, "2026-12", "2027-01")
    assert [(r["month"], r["county_code"]) for r in rows] == [("2026-12", "621202"), ("2027-01", "621202"),
                                                              ("2027-01", "621222")]
    december, january, wenxian = rows
    assert december["sales"] == 2 and december["households"] == 1 and december["income_fen"] == 50100
    assert january["sales"] == 0 and january["refunds"] == 1 and january["net_income_fen"] == -8333
    assert wenxian["net_income_fen"] == 400
    assert reports.totals(rows)["net_income_fen"] == 50100 - 8333 + 400
    assert reports.monthly(sales, "2027-01", "2027-01", county="621222") == [wenxian]
    chart = reports.chart_series(rows, "2026-11", "2027-01")
    assert chart["months"] == ["2026-11", "2026-12", "2027-01"]
    assert chart["income"] == [{"county_code": "621202", "data": [0, 501.0, -83.33]},
                               {"county_code": "621222", "data": [0, 0, 4.0]}]
    assert chart["refund_amount"] == [0, 0, 100.0]


def test_periods():
    assert reports.months_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert reports.days_of("2024-01", "2024-02") == ("2024-01-01", "2024-02-29")


# --- a record's own history ------------------------------------------------------------------------
def test_history_lines_use_the_registrys_titles_and_name_the_households():
    from shared import outbox
    data = {"household_id": HID, "recorded_by": "op", "store_id": "T1", "store_name": "合作社网店", "kind": "cooperative",
            "owner_name": "XX合作社", "platform": "jd", "since": "2026-11-01"}
    events = [outbox.event("cn.jingzhun.ecommerce.commitment.started.v1", "ecommerce", h, {**data, "household_id": h})
              for h in (OTHER, HID)]
    line = records.entry(events)
    assert line["households"] == sorted([HID, OTHER])
    assert line["title_zh"].startswith("XX合作社") and "commits to buy" in line["title_en"]
    local = records.local_entry("station.updated", {"changed": ["keeper", "phone"]})
    assert local["title_en"] == "Service station details updated: keeper, phone" and local["households"] == []
    assert records.changed_fields({"a": 1, "d": "2026-01-01"}, {"a": 1, "d": date(2026, 1, 2), "x": 3}, ("a", "d")) == {
        "d": "2026-01-02"}


def test_every_ecommerce_event_type_has_titles_in_both_languages():
    types = CATALOGUE.for_program("ecommerce")
    assert len(types) == 12   # enrolment ×2, sale, refund, correction, store ×3, commitment ×2, training ×2
    for t in types:
        assert t.title_en and t.title_zh and t.schema.__name__.endswith("V1")
