"""Tourism rules: bookings, safety inspections, jobs and wages, cooperatives, the report."""
from datetime import date

import pytest

from services.tourism.domain import bookings, cooperatives, homestays, jobs, report

D = date.fromisoformat


def booking(**kw):
    fields = {"check_in": D("2026-10-01"), "check_out": D("2026-10-03"), "guests": 2,
              "amount_fen": 40000, "income_fen": 36000}
    fields.update(kw)
    return fields


def test_a_booking_counts_nights_and_its_check_in_month():
    assert bookings.nights(D("2026-10-30"), D("2026-11-02")) == 3
    assert bookings.month_of(D("2026-10-30")) == "2026-10"
    assert bookings.booking_problems(booking()) == {}


@pytest.mark.parametrize("change, field", [
    ({"check_out": D("2026-10-01")}, "check_out"),           # no night
    ({"check_out": D("2026-09-30")}, "check_out"),           # before check-in
    ({"check_out": D("2027-01-01")}, "check_out"),           # longer than MAX_NIGHTS
    ({"income_fen": 40001}, "income_fen"),                   # more than the guests paid
])
def test_a_booking_with_bad_dates_or_money_names_the_field(change, field):
    assert set(bookings.booking_problems(booking(**change))) == {field}


def test_no_more_guests_than_beds():
    homestay = {"name": "山居", "beds": 4}
    assert bookings.against_homestay(booking(guests=4), homestay) == {}
    assert set(bookings.against_homestay(booking(guests=5), homestay)) == {"guests"}


def test_a_homestay_has_a_bed_per_room():
    assert homestays.capacity_problems(3, 3) == {}
    assert set(homestays.capacity_problems(3, 2)) == {"beds"}


def inspection(day, result="passed", seq=1):
    return {"inspected_on": day, "result": result, "seq": seq}


def test_guests_need_a_passed_inspection_in_force_on_the_check_in_day():
    passed = [inspection("2026-01-10")]
    assert homestays.inspection_problem(passed, D("2026-06-01")) is None
    assert homestays.inspection_problem(passed, D("2027-01-10")) is None            # 365 days later: still valid
    assert "older than 365 days" in homestays.inspection_problem(passed, D("2027-01-11"))
    assert "older than 30 days" in homestays.inspection_problem(passed, D("2026-03-01"), valid_days=30)
    assert "no safety inspection" in homestays.inspection_problem(passed, D("2026-01-09"))
    assert "no safety inspection" in homestays.inspection_problem([], D("2026-06-01"))


def test_the_latest_inspection_before_the_day_decides():
    history = [inspection("2026-01-10"), inspection("2026-05-01", "failed", 2), inspection("2026-05-20", seq=3)]
    assert homestays.inspection_problem(history, D("2026-04-30")) is None
    assert "failed" in homestays.inspection_problem(history, D("2026-05-10"))
    assert homestays.inspection_problem(history, D("2026-05-20")) is None
    # Two on one day: the one recorded later counts.
    same_day = [inspection("2026-05-01", "passed", 1), inspection("2026-05-01", "failed", 2)]
    assert "failed" in homestays.inspection_problem(same_day, D("2026-05-02"))


def test_wages_are_paid_for_months_the_job_was_held():
    job = {"started_on": "2026-03-15", "ended_on": None}
    assert jobs.wage_month_problem(job, "2026-03") == {}
    assert jobs.wage_month_problem(job, "2030-01") == {}
    assert set(jobs.wage_month_problem(job, "2026-02")) == {"month"}
    ended = {"started_on": "2026-03-15", "ended_on": "2026-08-10"}
    assert jobs.wage_month_problem(ended, "2026-08") == {}
    assert set(jobs.wage_month_problem(ended, "2026-09")) == {"month"}


def test_a_job_ends_after_it_started():
    assert jobs.end_problem("2026-03-15", D("2026-03-15")) == {}
    assert set(jobs.end_problem("2026-03-15", D("2026-03-14"))) == {"ended_on"}


def test_a_cooperative_takes_households_of_its_county_once():
    coop = {"county_code": "621202", "members": [{"household_id": "H621202AAAAAAAAAA", "shares": 2}]}
    assert cooperatives.join_problem(coop, "H621202BBBBBBBBBB") == {}
    assert "already a member" in cooperatives.join_problem(coop, "H621202AAAAAAAAAA")["household_id"][0]
    assert "not in county" in cooperatives.join_problem(coop, "H621222BBBBBBBBBB")["household_id"][0]


def test_shares_change_and_members_leave():
    members = [{"household_id": "H621202BBBBBBBBBB", "shares": 1, "head_name": "乙"}]
    joined = cooperatives.with_member(members, "H621202AAAAAAAAAA", {"shares": 3, "head_name": "甲"})
    assert [m["household_id"] for m in joined] == ["H621202AAAAAAAAAA", "H621202BBBBBBBBBB"]
    assert cooperatives.total_shares(joined) == 4
    changed = cooperatives.with_member(joined, "H621202BBBBBBBBBB", {**joined[1], "shares": 5})
    assert changed[1] == {"household_id": "H621202BBBBBBBBBB", "shares": 5, "head_name": "乙"}
    assert cooperatives.with_member(changed, "H621202AAAAAAAAAA", None) == [changed[1]]


def test_report_months_and_the_default_range():
    assert report.months("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert report.resolve_range(None, None, D("2026-03-05")) == ("2025-04", "2026-03")
    assert report.resolve_range("2026-01", None, D("2026-03-05")) == ("2026-01", "2026-03")
    assert report.resolve_range(None, "2026-12", D("2026-03-05")) == ("2026-01", "2026-12")
    assert set(report.range_problems("2026-05", "2026-04")) == {"to"}
    assert set(report.range_problems("2020-01", "2026-01")) == {"to"}
    assert report.range_problems("2026-01", "2026-01") == {}


def test_report_rows_add_up_income_by_month_and_county():
    sums = {"bookings": {("2026-10", "621202"): 2, ("2026-11", "621222"): 1},
            "booking_income_fen": {("2026-10", "621202"): 700, ("2026-11", "621222"): 100},
            "wage_income_fen": {("2026-10", "621202"): 3000},
            "dividend_income_fen": {("2026-12", "621202"): 50}}
    rows = report.rows(sums)
    assert [(r["month"], r["county_code"]) for r in rows] == [("2026-10", "621202"), ("2026-11", "621222"),
                                                              ("2026-12", "621202")]
    assert rows[0] == {"month": "2026-10", "county_code": "621202", "bookings": 2, "nights": 0,
                       "booking_income_fen": 700, "wage_income_fen": 3000, "dividend_income_fen": 0,
                       "income_fen": 3700}
    assert report.totals(rows)["income_fen"] == 3850
    series = report.series(rows, ["2026-10", "2026-11", "2026-12"])
    assert series["bookings"] == [{"label": "621202", "data": [2, 0, 0]}, {"label": "621222", "data": [0, 1, 0]}]
    assert series["income"]["booking_income_fen"] == [7.0, 1.0, 0]
