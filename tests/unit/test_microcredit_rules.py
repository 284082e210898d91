"""Micro-credit rules: the loan state machine (every legal and illegal transition),
schedules and the allocation of repayments in exact fen (property-based), the interest
subsidy, overdue marking, extension, write-off, ratings and the policy settings."""
from datetime import date
from decimal import Decimal
from itertools import product

import pytest
from hypothesis import given, settings, strategies as st

from shared.programs.refused import Refused
from services.microcredit.domain import allocation, loans, overdue, ratings, report, schedule as sch
from services.microcredit.domain.policy import Policy
from services.microcredit.domain.states import (ACTIONS, STATES, TERMINAL, TRANSITIONS, IllegalTransition,
                                                allowed_actions, transition)

# The lifecycle as the issue draws it, written out independently of the module's table.
EXPECTED = {
    ("applied", "approve"): "approved", ("applied", "reject"): "rejected",
    ("approved", "reject"): "rejected", ("approved", "disburse"): "disbursed",
    ("disbursed", "repay"): "repaying", ("disbursed", "close"): "closed", ("disbursed", "fall_overdue"): "overdue",
    ("repaying", "repay"): "repaying", ("repaying", "close"): "closed", ("repaying", "fall_overdue"): "overdue",
    ("overdue", "repay"): "overdue", ("overdue", "cure"): "repaying", ("overdue", "close"): "closed",
    ("overdue", "fall_overdue"): "overdue", ("overdue", "extend"): "extended", ("overdue", "write_off"): "written_off",
    ("extended", "repay"): "extended", ("extended", "close"): "closed", ("extended", "fall_overdue"): "overdue",
}


@pytest.mark.parametrize("state,action", list(product(STATES, ACTIONS)))
def test_every_transition_is_legal_or_refused_naming_the_state(state, action):
    if (state, action) in EXPECTED:
        assert transition(state, action) == EXPECTED[(state, action)]
        assert action in allowed_actions(state)
    else:
        with pytest.raises(IllegalTransition) as refused:
            transition(state, action)
        assert refused.value.status == 409 and refused.value.field == "status"
        assert f"a loan that is {state}" in refused.value.message
        assert action not in allowed_actions(state)


def test_the_table_is_the_lifecycle_and_the_terminal_states_are_final():
    assert TRANSITIONS == EXPECTED
    assert TERMINAL == {"rejected", "closed", "written_off"}
    assert "it is final" in str(pytest.raises(IllegalTransition, transition, "closed", "repay").value)


# --- schedules ---------------------------------------------------------------------------------
RATE = Decimal("0.0435")


def test_equal_instalments_pay_the_same_each_month_and_the_principal_adds_up():
    plan = sch.build(5_000_000, 36, RATE, sch.EQUAL_INSTALMENTS, date(2026, 1, 31))
    payments = [i["principal_fen"] + i["interest_fen"] for i in plan]
    assert len(plan) == 36 and sum(i["principal_fen"] for i in plan) == 5_000_000
    assert set(payments[:-1]) == {148400} and abs(payments[-1] - 148400) <= 36
    assert plan[0] == {"no": 1, "due_on": "2026-02-28", "principal_fen": 130275, "interest_fen": 18125}
    assert [i["due_on"] for i in plan[1:3]] == ["2026-03-31", "2026-04-30"]  # day 31 kept where the month has it


def test_interest_only_then_principal():
    plan = sch.build(1_000_000, 12, RATE, sch.INTEREST_ONLY, date(2026, 1, 15))
    assert [i["interest_fen"] for i in plan] == [3625] * 12     # 10,000 yuan × 4.35% / 12 = 36.25 yuan
    assert [i["principal_fen"] for i in plan] == [0] * 11 + [1_000_000]
    assert plan[-1]["due_on"] == "2027-01-15"


def test_a_zero_rate_splits_the_principal_with_the_remainder_last():
    plan = sch.build(1000, 3, Decimal(0), sch.EQUAL_INSTALMENTS, date(2026, 1, 1))
    assert [i["principal_fen"] for i in plan] == [334, 334, 332] and all(i["interest_fen"] == 0 for i in plan)


def test_schedules_are_deterministic():
    args = (3_333_333, 36, RATE, sch.EQUAL_INSTALMENTS, date(2026, 2, 29 - 1))
    assert sch.build(*args) == sch.build(*args)


loan_terms = st.tuples(st.integers(1, 5_000_000), st.integers(1, 36), st.sampled_from(sch.METHODS),
                       st.decimals(min_value=0, max_value=Decimal("0.2"), places=4), st.dates(date(2020, 1, 1), date(2030, 12, 31)))


@settings(max_examples=300, deadline=None)
@given(loan_terms)
def test_principals_always_add_up_to_the_loan_and_nothing_is_negative(terms):
    principal, months, method, rate, start = terms
    plan = sch.build(principal, months, rate, method, start)
    assert sum(i["principal_fen"] for i in plan) == principal
    assert all(i["principal_fen"] >= 0 and i["interest_fen"] >= 0 for i in plan)
    assert [i["due_on"] for i in plan] == sorted(i["due_on"] for i in plan) and len(plan) == months


# --- allocation --------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(loan_terms, st.lists(st.integers(1, 3_000_000), min_size=1, max_size=8))
def test_allocation_interest_before_principal_oldest_first_never_negative(terms, payments):
    principal, months, method, rate, start = terms
    plan = sch.build(principal, months, rate, method, start)
    owed_total = sum(i["principal_fen"] + i["interest_fen"] for i in plan)
    paid = 0
    for amount in payments:
        interest_left, principal_left = allocation.outstanding(plan)
        if amount > interest_left + principal_left:
            with pytest.raises(Refused):
                allocation.allocate(plan, amount)
            continue
        lines = allocation.allocate(plan, amount)
        assert sum(l["interest_fen"] + l["principal_fen"] for l in lines) == amount
        assert all(l["interest_fen"] >= 0 and l["principal_fen"] >= 0 for l in lines)
        by_no = {i["no"]: i for i in plan}
        for k, line in enumerate(lines):
            before = allocation.owed(by_no[line["no"]])
            # principal of an instalment only once its interest is paid
            assert line["principal_fen"] == 0 or line["interest_fen"] == before[0]
            # every instalment before the last one touched is settled by this payment
            if k < len(lines) - 1:
                assert (line["interest_fen"], line["principal_fen"]) == before
        assert [l["no"] for l in lines] == sorted(l["no"] for l in lines)
        plan = allocation.apply(plan, lines)
        paid += amount
        assert all(allocation.owed(i)[0] >= 0 and allocation.owed(i)[1] >= 0 for i in plan)
    assert sum(allocation.outstanding(plan)) == owed_total - paid


def test_a_repayment_above_what_is_owed_or_not_positive_is_refused():
    plan = sch.build(10000, 2, Decimal(0), sch.EQUAL_INSTALMENTS, date(2026, 1, 1))
    for amount in (0, -5, 10001):
        with pytest.raises(Refused) as refused:
            allocation.allocate(plan, amount)
        assert refused.value.field == "amount_fen" and refused.value.status == 422


# --- repayments on a loan: subsidy, cure, close ----------------------------------------------------
def _loan(status="disbursed", principal=1_200_000, months=12, method=sch.EQUAL_INSTALMENTS, share="1"):
    plan = sch.build(principal, months, RATE, method, date(2026, 1, 10))
    return {"_id": "L1", "status": status, "principal_fen": principal, "term_months": months, "method": method,
            "annual_rate": str(RATE), "subsidy_share": share, "disbursed_on": "2026-01-10", "schedule": plan,
            "applied_on": "2026-01-02"}


def test_a_first_repayment_pays_interest_then_principal_and_the_interest_is_subsidized_in_full():
    loan = _loan()
    first = loan["schedule"][0]
    out = loans.repayment(loan, first["interest_fen"] + first["principal_fen"], date(2026, 2, 10))
    assert out["status"] == "repaying" and not out["closed"]
    assert (out["interest_fen"], out["principal_fen"]) == (first["interest_fen"], first["principal_fen"])
    assert out["subsidies"] == [{"no": 1, "interest_fen": 4350, "subsidy_fen": 4350}]


def test_the_subsidy_share_is_a_setting_and_a_partly_paid_interest_is_not_subsidized_yet():
    loan = _loan(share="0.5", method=sch.INTEREST_ONLY)
    out = loans.repayment(loan, 4000, date(2026, 2, 10))        # interest of period 1 is 43.50 yuan
    assert out["subsidies"] == [] and out["lines"] == [{"no": 1, "interest_fen": 4000, "principal_fen": 0}]
    loan = {**loan, "schedule": out["schedule"], "status": out["status"]}
    out = loans.repayment(loan, 4350 + 351, date(2026, 3, 10))    # the rest of 1 and 2, 1 fen of 3
    assert out["subsidies"] == [{"no": 1, "interest_fen": 4350, "subsidy_fen": 2175},
                                {"no": 2, "interest_fen": 4350, "subsidy_fen": 2175}]
    assert sch.subsidy_fen(4351, Decimal("0.5")) == 2176      # half a fen rounds up


def test_paying_everything_closes_the_loan_and_paying_the_arrears_cures_it():
    loan = _loan()
    everything = sum(allocation.outstanding(loan["schedule"]))
    assert loans.repayment(loan, everything, date(2026, 2, 1))["status"] == "closed"
    late = {**loan, "status": "overdue"}
    first = loan["schedule"][0]
    cured = loans.repayment(late, first["interest_fen"] + first["principal_fen"], date(2026, 2, 20))
    assert cured["status"] == "repaying"
    partly = loans.repayment(late, 100, date(2026, 2, 20))
    assert partly["status"] == "overdue"


def test_a_repayment_on_a_loan_not_lent_is_refused_naming_its_state():
    for status in ("applied", "approved", "rejected", "closed", "written_off"):
        with pytest.raises(IllegalTransition, match=f"loan that is {status}"):
            loans.repayment(_loan(status), 100, date(2026, 2, 1))


def test_a_repayment_before_the_disbursement_is_refused():
    with pytest.raises(Refused) as refused:
        loans.repayment(_loan(), 100, date(2026, 1, 9))
    assert refused.value.field == "paid_on"


# --- overdue marking -----------------------------------------------------------------------------
def test_overdue_marking_counts_days_past_due_and_reports_only_what_is_new():
    plan = _loan()["schedule"]                       # due 2026-02-10, 03-10, …
    marked, newly = overdue.mark(plan, date(2026, 2, 10))
    assert newly == [] and all(i["days_past_due"] == 0 for i in marked)   # due today is not late yet
    marked, newly = overdue.mark(plan, date(2026, 3, 12))
    assert newly == [1, 2] and [i["days_past_due"] for i in marked[:3]] == [30, 2, 0]
    again, newly = overdue.mark(marked, date(2026, 3, 13))
    assert newly == [] and [i["days_past_due"] for i in again[:2]] == [31, 3]
    late = overdue.overdue_instalments(again, date(2026, 3, 13))
    assert [i["no"] for i in late] == [1, 2] and late[0]["owed_fen"] == plan[0]["principal_fen"] + plan[0]["interest_fen"]
    paid = allocation.apply(again, allocation.allocate(again, late[0]["owed_fen"]))
    assert overdue.days_past_due(paid[0], date(2026, 4, 1)) == 0


def test_only_a_lent_loan_falls_overdue():
    for status in STATES:
        if status in ("disbursed", "repaying", "overdue", "extended"):
            assert loans.fall_overdue(status) == "overdue"
        else:
            with pytest.raises(IllegalTransition):
                loans.fall_overdue(status)


# --- extension and write-off -----------------------------------------------------------------------
def test_an_extension_reschedules_what_is_owed_once():
    loan = _loan("overdue")
    first = loan["schedule"][0]
    paid = allocation.apply(loan["schedule"], allocation.allocate(loan["schedule"], first["interest_fen"] + 1000))
    loan = {**loan, "schedule": paid}
    out = loans.extension(loan, 6, date(2026, 3, 20), Policy())
    assert out["status"] == "extended"
    assert sum(i["principal_fen"] for i in out["schedule"]) == loan["principal_fen"]
    kept, new = out["schedule"][0], out["schedule"][1:]
    assert (kept["no"], kept["principal_fen"], kept["interest_fen"]) == (1, 1000, first["interest_fen"])
    assert len(new) == 6 and new[0]["no"] == 2 and new[-1]["due_on"] == "2026-09-20" == out["maturity_on"]
    # the interest in arrears (period 2, due 03-10) is carried into the first new instalment
    assert out["arrears_interest_fen"] == loan["schedule"][1]["interest_fen"]
    with pytest.raises(Refused, match="extended once"):
        loans.extension({**loan, "extended_on": "2026-03-20"}, 3, date(2026, 4, 1), Policy())
    with pytest.raises(Refused) as too_long:
        loans.extension(loan, 13, date(2026, 3, 20), Policy())
    assert too_long.value.field == "months"
    with pytest.raises(IllegalTransition):
        loans.extension(_loan("repaying"), 3, date(2026, 3, 20), Policy())


def test_a_write_off_takes_the_principal_still_owed():
    loan = _loan("overdue")
    first = loan["schedule"][0]
    loan["schedule"] = allocation.apply(loan["schedule"], allocation.allocate(
        loan["schedule"], first["interest_fen"] + first["principal_fen"]))
    out = loans.write_off(loan, date(2026, 6, 1))
    assert out == {"status": "written_off", "principal_fen": loan["principal_fen"] - first["principal_fen"],
                   "interest_fen": sum(i["interest_fen"] for i in loan["schedule"][1:])}
    with pytest.raises(IllegalTransition, match="loan that is repaying"):
        loans.write_off(_loan("repaying"), date(2026, 6, 1))


# --- ratings and the policy ------------------------------------------------------------------------
def test_lending_needs_a_valid_rating_and_stays_within_the_credit_line():
    rating = {"rated_on": "2026-01-01", "valid_until": "2029-01-01", "credit_line_fen": 3_000_000}
    ratings.check_lending(rating, "H1", 3_000_000, date(2026, 5, 1))
    with pytest.raises(Refused, match="no credit rating"):
        ratings.check_lending(None, "H1", 100, date(2026, 5, 1))
    with pytest.raises(Refused, match="not valid on 2029-01-01"):
        ratings.check_lending(rating, "H1", 100, date(2029, 1, 1))
    with pytest.raises(Refused) as above:
        ratings.check_lending(rating, "H1", 3_000_001, date(2026, 5, 1))
    assert above.value.field == "principal_fen" and above.value.status == 422
    assert ratings.rating_problems("poor", 100, 5_000_000) and ratings.rating_problems("good", 5_000_001, 5_000_000)
    assert ratings.rating_problems("good", 5_000_000, 5_000_000) == {}


def test_policy_limits_are_settings_with_the_national_defaults():
    policy = Policy.from_env({})
    assert (policy.max_principal_fen, policy.max_months, policy.annual_rate, policy.subsidy_share) == (
        5_000_000, 36, Decimal("0.0435"), Decimal("1"))
    custom = Policy.from_env({"MICROCREDIT_ANNUAL_RATE": "0.0475", "MICROCREDIT_SUBSIDY_SHARE": "0.5",
                              "MICROCREDIT_MAX_MONTHS": "24"})
    assert (custom.annual_rate, custom.subsidy_share, custom.max_months) == (Decimal("0.0475"), Decimal("0.5"), 24)
    with pytest.raises(ValueError):
        Policy.from_env({"MICROCREDIT_SUBSIDY_SHARE": "2"})
    with pytest.raises(Refused) as refused:
        loans.check_terms(5_000_001, 37, policy)
    assert set(refused.value.errors) == {"principal_fen", "term_months"}
    loans.check_terms(5_000_000, 36, policy)


# --- the report ----------------------------------------------------------------------------------
def test_the_report_shows_outstanding_repayment_and_overdue_by_month():
    loan = _loan("overdue", principal=1_200_000, months=12, method=sch.INTEREST_ONLY)
    interest = loan["schedule"][0]["interest_fen"]
    loan.update(county_code="621202", repayments=[{"paid_on": "2026-02-10", "amount_fen": interest,
                                                   "lines": [{"no": 1, "interest_fen": interest, "principal_fen": 0}]}])
    rows = report.rows([loan], report.months("2026-01", "2026-03"))
    by = {r["month"]: r for r in rows}
    assert by["2026-01"]["disbursed_fen"] == 1_200_000 and by["2026-01"]["loans"] == 1
    assert by["2026-02"]["repayment_rate"] == 100.0 and by["2026-02"]["overdue_rate"] == 0
    assert by["2026-03"]["repayment_rate"] == 0 and by["2026-03"]["overdue_rate"] == 100.0
    assert all(r["outstanding_fen"] == 1_200_000 for r in rows)
    assert report.totals(rows, report.months("2026-01", "2026-03"))["outstanding_fen"] == 1_200_000
    # The period rule is the kit's, checked by the report's query schema (issue 17).
    from marshmallow import ValidationError
    from services.microcredit.api.schemas import ReportQuerySchema
    with pytest.raises(ValidationError) as refused:
        ReportQuerySchema().load({"from": "2026-03", "to": "2026-01"})
    assert set(refused.value.messages) == {"to"}


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_micro_credit_code_is_translated(locale):
    from pathlib import Path
    from babel.messages.pofile import read_po
    from shared.events.types.microcredit import GRADES, METHODS, REPAYMENT_SOURCES, RISK_LOAN_OVERDUE
    codes = {f"loan_{s}" for s in STATES} | set(GRADES) | set(METHODS) | set(REPAYMENT_SOURCES) | {RISK_LOAN_OVERDUE}
    path = Path(__file__).resolve().parents[2] / "shared/translations" / locale / "LC_MESSAGES/messages.po"
    with open(path, "rb") as f:
        catalog = read_po(f)
    missing = sorted(c for c in codes if not (catalog.get(c) and catalog.get(c).string))
    assert not missing, f"add to shared/web/vocabulary.py and translate ({locale}): {missing}"
