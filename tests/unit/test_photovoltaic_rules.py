"""Photovoltaic rules: share splits and remainders, distribution plans, revenue, months,
faults and the risk threshold, members and posts — pure logic, no store."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from shared.programs.refused import Refused
from services.photovoltaic.domain import installations as inst
from services.photovoltaic.domain.distribution import distribution_id, plan_dividends, plan_wages
from services.photovoltaic.domain.faults import check_restored_on, days_down, risk_due
from services.photovoltaic.domain.generation import check_report, expected_revenue_fen, report_id, revenue_for
from services.photovoltaic.domain.monthly import by_month, grand_total
from services.photovoltaic.domain.months import days_in, months_between, period, shift
from services.photovoltaic.domain.policy import Policy
from services.photovoltaic.domain.shares import split_by_shares

A, B, C = "H621202AAAAAAAAAA", "H621202BBBBBBBBBB", "H621202CCCCCCCCCC"


# --- shares --------------------------------------------------------------------------------------
def test_an_even_split_has_no_remainder():
    assert split_by_shares(900, {A: 1, B: 1, C: 1}) == {A: 300, B: 300, C: 300}


def test_the_remainder_goes_to_the_largest_fractions_then_to_the_smaller_household_id():
    # 1000 by 1:1:1 → 333.33 each; one fen left, all fractions equal → the smallest id.
    assert split_by_shares(1000, {C: 1, B: 1, A: 1}) == {A: 334, B: 333, C: 333}
    # 100 by 1:2:4 (7 shares): 14.28, 28.57, 57.14 → floors 14, 28, 57 = 99; B has the largest fraction.
    assert split_by_shares(100, {A: 1, B: 2, C: 4}) == {A: 14, B: 29, C: 57}


def test_the_split_does_not_depend_on_the_order_given():
    assert split_by_shares(1001, {A: 3, B: 5, C: 7}) == split_by_shares(1001, {C: 7, A: 3, B: 5})


@given(st.integers(min_value=0, max_value=10**10),
       st.dictionaries(st.from_regex(r"H621202[0-9A-Z]{10}", fullmatch=True), st.integers(1, 10_000), min_size=1, max_size=40))
def test_parts_add_up_exactly_and_never_stray_more_than_a_fen_from_the_exact_share(total, shares):
    parts = split_by_shares(total, shares)
    assert sum(parts.values()) == total and set(parts) == set(shares)
    all_shares = sum(shares.values())
    for holder, held in shares.items():
        assert abs(parts[holder] * all_shares - total * held) < all_shares  # within one fen


def test_bad_shares_are_refused():
    with pytest.raises(ValueError):
        split_by_shares(100, {})
    with pytest.raises(ValueError):
        split_by_shares(100, {A: 0})
    with pytest.raises(ValueError):
        split_by_shares(-1, {A: 1})


# --- distribution plans ----------------------------------------------------------------------------
def test_dividends_share_the_revenue_less_the_reserve():
    plan = plan_dividends(100_000, 10, [{"household_id": B, "shares": 2}, {"household_id": A, "shares": 1}])
    assert (plan.reserve_fen, plan.pool_fen, plan.distributed_fen, plan.retained_fen) == (10_000, 90_000, 90_000, 10_000)
    assert [(a["household_id"], a["amount_fen"], a["shares"], a["total_shares"]) for a in plan.allocations] == \
        [(A, 30_000, 1, 3), (B, 60_000, 2, 3)]


def test_dividends_of_an_amount_given_and_its_limit():
    plan = plan_dividends(100_000, 10, [{"household_id": A, "shares": 1}, {"household_id": B, "shares": 1}], 50_001)
    assert [a["amount_fen"] for a in plan.allocations] == [25_001, 25_000] and plan.retained_fen == 49_999
    with pytest.raises(Refused) as refused:
        plan_dividends(100_000, 10, [{"household_id": A, "shares": 1}], 100_001)
    assert refused.value.field == "amount_fen" and refused.value.status == 422


def test_dividends_need_members_and_money():
    with pytest.raises(Refused, match="no enrolled members"):
        plan_dividends(100_000, 10, [])
    with pytest.raises(Refused, match="nothing to distribute"):
        plan_dividends(0, 10, [{"household_id": A, "shares": 1}])


def test_wages_pay_each_post_and_leave_the_rest_to_the_village():
    posts = [{"post_id": "P2", "household_id": B, "post": "护林员", "member_name": "李", "monthly_wage_fen": 50_000},
             {"post_id": "P1", "household_id": A, "post": "保洁员", "member_name": "王", "monthly_wage_fen": 30_000}]
    plan = plan_wages(100_000, 10, posts)
    assert [(a["post_id"], a["amount_fen"]) for a in plan.allocations] == [("P1", 30_000), ("P2", 50_000)]
    assert plan.distributed_fen == 80_000 and plan.retained_fen == 20_000


def test_wages_above_the_revenue_available_are_refused():
    posts = [{"post_id": "P1", "household_id": A, "post": "保洁员", "member_name": "王", "monthly_wage_fen": 95_000}]
    with pytest.raises(Refused, match="exceed"):
        plan_wages(100_000, 10, posts)
    with pytest.raises(Refused, match="no public-welfare posts"):
        plan_wages(100_000, 10, [])


def test_one_distribution_id_per_station_and_month():
    assert distribution_id("PV1", "2026-03") == distribution_id("PV1", "2026-03") != distribution_id("PV1", "2026-04")
    assert report_id("PV1", "2026-03") == "PV1-2026-03"


# --- posts paid for a month --------------------------------------------------------------------------
def test_posts_paid_for_a_month_are_those_held_during_it():
    station = {"posts": [
        {"post_id": "P1", "since": "2026-01-10", "active": True},
        {"post_id": "P2", "since": "2026-04-01", "active": True},                          # starts later
        {"post_id": "P3", "since": "2025-01-01", "active": False, "ended_on": "2026-03-05"},  # ended during March
        {"post_id": "P4", "since": "2025-01-01", "active": False, "ended_on": "2026-02-28"},  # ended before
    ]}
    assert [p["post_id"] for p in inst.posts_paid_for(station, "2026-03")] == ["P1", "P3"]


# --- generation ----------------------------------------------------------------------------------------
def test_revenue_is_kwh_times_tariff_rounded_half_up():
    assert expected_revenue_fen(1000, 75.5) == 75_500
    assert expected_revenue_fen(3, 0.5) == 2           # 1.5 → 2
    assert expected_revenue_fen(10, 0.1 + 0.2) == 3    # no float surprises


def test_a_reported_revenue_must_be_close_to_kwh_times_tariff():
    assert revenue_for(1000, 75.5, None, 5) == 75_500
    assert revenue_for(1000, 75.5, 74_000, 5) == 74_000
    with pytest.raises(Refused) as refused:
        revenue_for(1000, 75.5, 60_000, 5)
    assert refused.value.field == "revenue_fen"


STATION = {"_id": "PV1", "kind": "station", "capacity_kw": 100.0, "commissioned_on": "2025-06-15",
           "village_code": "621202100201", "county_code": "621202", "members": [], "posts": []}


@pytest.mark.parametrize("month, kwh, field", [
    ("2026-12", 10, "month"),        # after "today"
    ("2025-05", 10, "month"),        # before commissioning
    ("2026-02", 67_201, "kwh"),      # 100 kW × 24 h × 28 days = 67,200
])
def test_what_a_report_may_claim(month, kwh, field):
    with pytest.raises(Refused) as refused:
        check_report(STATION, month, kwh, date(2026, 11, 5))
    assert refused.value.field == field


def test_a_plausible_report_passes():
    check_report(STATION, "2026-02", 67_200, date(2026, 11, 5))
    check_report(STATION, "2025-06", 0, date(2026, 11, 5))


# --- installations, members, posts ----------------------------------------------------------------------
def test_a_rooftop_needs_an_owner_of_its_county_and_a_station_has_none():
    with pytest.raises(Refused, match="owns it"):
        inst.check_new({"kind": "rooftop", "village_code": "621202100201"})
    with pytest.raises(Refused, match="not in county"):
        inst.check_new({"kind": "rooftop", "village_code": "621222100201", "household_id": A})
    with pytest.raises(Refused, match="no single owner"):
        inst.check_new({"kind": "station", "village_code": "621202100201", "household_id": A})
    inst.check_new({"kind": "rooftop", "village_code": "621202100201", "household_id": A})


def test_households_concerned_are_the_owner_or_the_members():
    assert inst.households_of({"kind": "rooftop", "household_id": A}) == [A]
    assert inst.households_of({**STATION, "members": [{"household_id": B, "shares": 1}]}) == [B]


def test_members_join_once_change_shares_and_leave():
    members = inst.with_member(STATION, {"household_id": A, "shares": 2})
    station = {**STATION, "members": members}
    with pytest.raises(Refused, match="already a member"):
        inst.with_member(station, {"household_id": A, "shares": 1})
    changed, old = inst.with_shares(station, A, 5)
    assert old == 2 and changed[0]["shares"] == 5
    with pytest.raises(Refused, match="already holds"):
        inst.with_shares(station, A, 2)
    assert inst.without_member(station, A) == []
    with pytest.raises(Refused) as refused:
        inst.without_member(STATION, A)
    assert refused.value.status == 404


def test_a_rooftop_system_has_no_members_or_posts():
    with pytest.raises(Refused, match="Only a village station"):
        inst.with_member({"kind": "rooftop"}, {"household_id": A, "shares": 1})


def test_a_post_ends_once_and_not_before_it_started():
    station = {**STATION, "posts": [{"post_id": "P1", "post": "保洁员", "household_id": A, "member_name": "王",
                                     "monthly_wage_fen": 30_000, "since": "2026-03-01", "active": True}]}
    with pytest.raises(Refused) as refused:
        inst.with_post_ended(station, "P1", date(2026, 2, 1), "moved")
    assert refused.value.field == "ended_on"
    posts, ended = inst.with_post_ended(station, "P1", date(2026, 6, 30), "moved away")
    assert ended["active"] is False and ended["ended_on"] == "2026-06-30"
    with pytest.raises(Refused, match="already ended"):
        inst.with_post_ended({**station, "posts": posts}, "P1", date(2026, 7, 1), "again")


def test_an_edit_names_what_changed_and_stays_in_its_county():
    changes = inst.changes(STATION, {"name": "新名", "capacity_kw": 100.0, "commissioned_on": date(2025, 6, 16)})
    assert changes == [{"field": "name", "old": None, "new": "新名"},
                       {"field": "commissioned_on", "old": "2025-06-15", "new": "2025-06-16"}]
    with pytest.raises(Refused):
        inst.check_edit(STATION, {"village_code": "621222100201"})


# --- faults and the risk threshold ---------------------------------------------------------------------
def test_days_down_and_when_the_risk_is_due():
    assert days_down(date(2026, 3, 1), date(2026, 3, 31)) == 30
    fault = {"down_since": "2026-03-01", "risk_raised": False, "status": "open"}
    assert not risk_due(fault, date(2026, 3, 30), 30)
    assert risk_due(fault, date(2026, 3, 31), 30)
    assert not risk_due({**fault, "risk_raised": True}, date(2026, 5, 1), 30)  # once per fault


def test_a_restoration_comes_after_the_fault_and_only_once():
    fault = {"_id": "F1", "down_since": "2026-03-01", "status": "open"}
    with pytest.raises(Refused):
        check_restored_on(fault, date(2026, 2, 1), date(2026, 11, 1))
    with pytest.raises(Refused):
        check_restored_on(fault, date(2026, 12, 1), date(2026, 11, 1))
    with pytest.raises(Refused, match="already restored"):
        check_restored_on({**fault, "status": "restored", "restored_on": "2026-03-05"}, date(2026, 3, 6), date(2026, 11, 1))


# --- months, report shaping, policy ---------------------------------------------------------------------
def test_months():
    assert days_in("2024-02") == 29 and shift("2026-01", -1) == "2025-12" and shift("2025-12", 13) == "2027-01"
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period(None, None, date(2026, 5, 9)) == ("2025-06", "2026-05")
    assert period("2026-01", None, date(2026, 5, 9)) == ("2026-01", "2026-12")


def test_monthly_totals_fill_every_month_of_the_period():
    row = {"reports": 1, "kwh": 10, "revenue_fen": 700, "rooftop_income_fen": 0, "dividends_fen": 600, "wages_fen": 0,
           "distributed_fen": 600, "income_to_households_fen": 600}
    rows = [{"month": "2026-02", "county_code": "621202", **row}, {"month": "2026-02", "county_code": "621222", **row}]
    months = by_month(rows, ["2026-01", "2026-02"])
    assert months[0]["kwh"] == 0 and months[1]["kwh"] == 20 and grand_total(rows)["dividends_fen"] == 1200


def test_the_policy_reads_its_settings_and_refuses_nonsense():
    assert Policy.from_env({}) == Policy(30, 10, 5)
    assert Policy.from_env({"PV_DOWN_DAYS": "14", "PV_RESERVE_PERCENT": "0"}).down_days == 14
    with pytest.raises(ValueError, match="PV_DOWN_DAYS"):
        Policy.from_env({"PV_DOWN_DAYS": "soon"})
    with pytest.raises(ValueError, match="PV_RESERVE_PERCENT"):
        Policy.from_env({"PV_RESERVE_PERCENT": "120"})
