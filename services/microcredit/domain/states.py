"""The loan lifecycle as an explicit state machine: every legal (state, action) pair and the
state it leads to. Anything not in the table is refused, naming the state.

    applied ─approve→ approved ─disburse→ disbursed ─repay→ repaying ─close→ closed
        └─reject→ rejected  (an approved loan may still be rejected before disbursement)
    disbursed / repaying / extended ─fall_overdue→ overdue
    overdue ─repay→ overdue (arrears remain) · ─cure→ repaying · ─extend→ extended · ─write_off→ written_off
"""
from __future__ import annotations

from shared.programs.refused import Refused

APPLIED, APPROVED, REJECTED, DISBURSED = "applied", "approved", "rejected", "disbursed"
REPAYING, OVERDUE, EXTENDED, CLOSED, WRITTEN_OFF = "repaying", "overdue", "extended", "closed", "written_off"
STATES = (APPLIED, APPROVED, REJECTED, DISBURSED, REPAYING, OVERDUE, EXTENDED, CLOSED, WRITTEN_OFF)

APPROVE, REJECT, DISBURSE, REPAY, CLOSE = "approve", "reject", "disburse", "repay", "close"
FALL_OVERDUE, CURE, EXTEND, WRITE_OFF = "fall_overdue", "cure", "extend", "write_off"
ACTIONS = (APPROVE, REJECT, DISBURSE, REPAY, CLOSE, FALL_OVERDUE, CURE, EXTEND, WRITE_OFF)

TRANSITIONS: dict[tuple[str, str], str] = {
    (APPLIED, APPROVE): APPROVED,
    (APPLIED, REJECT): REJECTED,
    (APPROVED, REJECT): REJECTED,
    (APPROVED, DISBURSE): DISBURSED,
    (DISBURSED, REPAY): REPAYING,
    (DISBURSED, CLOSE): CLOSED,
    (DISBURSED, FALL_OVERDUE): OVERDUE,
    (REPAYING, REPAY): REPAYING,
    (REPAYING, CLOSE): CLOSED,
    (REPAYING, FALL_OVERDUE): OVERDUE,
    (OVERDUE, REPAY): OVERDUE,
    (OVERDUE, CURE): REPAYING,
    (OVERDUE, CLOSE): CLOSED,
    (OVERDUE, FALL_OVERDUE): OVERDUE,      # one more instalment fell due unpaid
    (OVERDUE, EXTEND): EXTENDED,
    (OVERDUE, WRITE_OFF): WRITTEN_OFF,
    (EXTENDED, REPAY): EXTENDED,
    (EXTENDED, CLOSE): CLOSED,
    (EXTENDED, FALL_OVERDUE): OVERDUE,
}
TERMINAL = frozenset(s for s in STATES if not any(state == s for state, _ in TRANSITIONS))
# Loans that owe money: the ones the daily overdue check and the repayments look at.
LENT = (DISBURSED, REPAYING, OVERDUE, EXTENDED)


class IllegalTransition(Refused):
    def __init__(self, state: str, action: str):
        allowed = sorted(a for s, a in TRANSITIONS if s == state)
        hint = f"; allowed now: {', '.join(allowed)}" if allowed else "; it is final"
        super().__init__(f"cannot {action.replace('_', ' ')} a loan that is {state}{hint}", "status", 409)
        self.state, self.action = state, action


def transition(state: str, action: str) -> str:
    """The state after ``action``; IllegalTransition (409, naming the state) if not allowed."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(state, action) from None


def allowed_actions(state: str) -> list[str]:
    return [a for a in ACTIONS if (state, a) in TRANSITIONS]
