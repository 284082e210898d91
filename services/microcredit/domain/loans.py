"""What each command does to a loan, as plain data: the new status (through the state
machine), the new schedule, and the figures its event carries. No store, no web."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.programs.refused import Refused
from services.microcredit.domain import allocation, schedule as schedules
from services.microcredit.domain.policy import Policy
from services.microcredit.domain.states import (CLOSE, CURE, EXTEND, FALL_OVERDUE, OVERDUE, REPAY, WRITE_OFF,
                                                transition)
from shared.messages import N_
from shared.validation_messages import templated

# Problems said on the pages in the reader's language (shared/validation_messages.py).
MAX_PRINCIPAL = templated(N_("A poverty-alleviation loan is at most %(yuan)s yuan."))
MAX_TERM = templated(N_("A poverty-alleviation loan runs at most %(months)s months."))


def check_terms(principal_fen: int, term_months: int, policy: Policy) -> None:
    problems = {}
    if principal_fen > policy.max_principal_fen:
        problems["principal_fen"] = [MAX_PRINCIPAL % {"yuan": policy.max_principal_fen // 100}]
    if term_months > policy.max_months:
        problems["term_months"] = [MAX_TERM % {"months": policy.max_months}]
    if problems:
        raise Refused.of(problems)


def check_not_before(day: date, earlier: str | None, field: str, what: str) -> None:
    if earlier and day.isoformat() < earlier:
        raise Refused(f"It cannot come before {what} ({earlier}).", field, 422)


def disbursement(loan: dict, disbursed_on: date) -> list[dict]:
    return schedules.build(loan["principal_fen"], loan["term_months"], Decimal(loan["annual_rate"]),
                           loan["method"], disbursed_on)


def repayment(loan: dict, amount_fen: int, paid_on: date) -> dict:
    """Allocate a repayment. Returns {status, schedule, lines, interest_fen, principal_fen,
    subsidies: [{no, interest_fen, subsidy_fen}], closed}."""
    state = transition(loan["status"], REPAY)
    check_not_before(paid_on, loan.get("disbursed_on"), "paid_on", "the disbursement")
    lines = allocation.allocate(loan["schedule"], amount_fen)
    after = allocation.apply(loan["schedule"], lines)
    share = Decimal(loan["subsidy_share"])
    subsidies = []
    for before, now in zip(loan["schedule"], after):
        # A period's interest is subsidized once it has been paid in full (先缴后贴).
        if before["interest_fen"] and allocation.owed(before)[0] > 0 and allocation.owed(now)[0] == 0:
            subsidies.append({"no": now["no"], "interest_fen": now["interest_fen"],
                              "subsidy_fen": schedules.subsidy_fen(now["interest_fen"], share)})
        if allocation.settled(now):
            now["days_past_due"] = 0
    interest_left, principal_left = allocation.outstanding(after)
    closed = interest_left + principal_left == 0
    if closed:
        state = transition(state, CLOSE)
    elif state == OVERDUE and not any(not allocation.settled(i) and i["due_on"] < paid_on.isoformat() for i in after):
        state = transition(state, CURE)
    return {"status": state, "schedule": after, "lines": lines, "closed": closed, "subsidies": subsidies,
            "interest_fen": sum(line["interest_fen"] for line in lines),
            "principal_fen": sum(line["principal_fen"] for line in lines)}


def extension(loan: dict, months: int, extended_on: date, policy: Policy) -> dict:
    """展期: what is still owed is scheduled again over ``months`` from ``extended_on``, the
    interest in arrears carried into the first new instalment; instalments paid (in part)
    keep what was paid. Once per loan."""
    state = transition(loan["status"], EXTEND)
    if loan.get("extended_on"):
        raise Refused(f"the loan was already extended on {loan['extended_on']}; a loan is extended once", "status")
    if not 1 <= months <= policy.max_extension_months:
        raise Refused(f"An extension is 1 to {policy.max_extension_months} months.", "months", 422)
    check_not_before(extended_on, loan.get("disbursed_on"), "extended_on", "the disbursement")
    kept, arrears_interest = [], 0
    for instalment in loan["schedule"]:
        interest_owed, _ = allocation.owed(instalment)
        if instalment["due_on"] <= extended_on.isoformat():
            arrears_interest += interest_owed
        paid_i, paid_p = instalment.get("paid_interest_fen", 0), instalment.get("paid_principal_fen", 0)
        if paid_i or paid_p:
            kept.append({**instalment, "interest_fen": paid_i, "principal_fen": paid_p, "days_past_due": 0})
    _, principal_left = allocation.outstanding(loan["schedule"])
    first_no = (kept[-1]["no"] + 1) if kept else 1
    new = schedules.build(principal_left, months, Decimal(loan["annual_rate"]), loan["method"], extended_on,
                          first_no, arrears_interest)
    return {"status": state, "schedule": kept + new, "maturity_on": new[-1]["due_on"],
            "principal_fen": principal_left, "arrears_interest_fen": arrears_interest}


def write_off(loan: dict, written_off_on: date) -> dict:
    """Written off against the county's risk-compensation fund: the principal still owed."""
    state = transition(loan["status"], WRITE_OFF)
    check_not_before(written_off_on, loan.get("disbursed_on"), "written_off_on", "the disbursement")
    interest_left, principal_left = allocation.outstanding(loan["schedule"])
    return {"status": state, "principal_fen": principal_left, "interest_fen": interest_left}


def fall_overdue(status: str) -> str:
    return transition(status, FALL_OVERDUE)
