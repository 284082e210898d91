"""The life of a return-to-poverty warning (防返贫监测, issue 18). Pure logic, no Flask.

The consumer raises a warning ``open`` (one document, keyed by the event that raised it)
and never touches it again; people then take it through these steps, each recorded on the
warning (who, when, note):

    open ──acknowledge──▶ acknowledged
    open / acknowledged ──assign, link_measures──▶ (the same state)
    open / acknowledged ──close (a reason)──▶ closed
    open / acknowledged ──return_to_poverty (a reason)──▶ returned   (the household is poor again)

A warning raised before this existed has no ``status``: it is ``open`` while its ``open``
flag is (the flag stays, true until it is closed or returned: the lists read it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.events.envelope import iso_z
from shared.messages import N_, Code, Codes, Message

OPEN, ACKNOWLEDGED, CLOSED, RETURNED = "open", "acknowledged", "closed", "returned"
STATES = (OPEN, ACKNOWLEDGED, CLOSED, RETURNED)
# step → (the states it may be taken from, the state it leads to: None keeps the state)
STEPS = {
    "acknowledge": ((OPEN,), ACKNOWLEDGED),
    "assign": ((OPEN, ACKNOWLEDGED), None),
    "link_measures": ((OPEN, ACKNOWLEDGED), None),
    "close": ((OPEN, ACKNOWLEDGED), CLOSED),
    "return_to_poverty": ((OPEN, ACKNOWLEDGED), RETURNED),
}
# Ending a warning is the county's decision; following it up is also the village's.
DECIDING_STEPS = ("close", "return_to_poverty")
DEADLINE_DAYS = 30   # open warnings older than this are flagged (a setting: WARNING_DEADLINE_DAYS)


class WarningRefused(ValueError):
    """A step the warning's state or the input does not allow: ``said`` (a Message) says why,
    ``status`` 409 (the state) or 422 (the input), ``field`` the input at fault."""

    def __init__(self, said: Message, status: int = 409, field: str | None = None):
        super().__init__(str(said))
        self.said, self.status, self.field = said, status, field


@dataclass(frozen=True)
class Move:
    step: str
    from_state: str
    to_state: str

    @property
    def still_open(self) -> bool:
        return self.to_state in (OPEN, ACKNOWLEDGED)


def state_of(warning: dict) -> str:
    return warning.get("status") or (OPEN if warning.get("open", True) else CLOSED)


def next_move(warning: dict, step: str, note: str = "", assignee: str = "", measures=()) -> Move:
    """The move ``step`` makes, or WarningRefused saying why it cannot be taken."""
    if step not in STEPS:
        raise WarningRefused(Message("unknown_step", N_("unknown step '%(step)s'; possible: %(possible)s"),
                                     {"step": step, "possible": Codes(STEPS)}), 422, "step")
    state = state_of(warning)
    allowed, to_state = STEPS[step]
    if state not in allowed:
        possible = Codes(s for s, (a, _) in STEPS.items() if state in a)
        raise WarningRefused(Message("step_not_possible", N_(
            "'%(step)s' is not possible for a warning that is %(state)s; possible: %(possible)s"),
            {"step": Code(step), "state": Code(state), "possible": possible or Code(N_("nothing"))}))
    if step in DECIDING_STEPS and not note.strip():
        raise WarningRefused(Message("reason_required", N_("a reason is required for this step")), 422, "note")
    if step == "assign" and not assignee.strip():
        raise WarningRefused(Message("assignee_required", N_("name the person the warning is assigned to")),
                             422, "assignee")
    if step == "link_measures" and not measures:
        raise WarningRefused(Message("measures_required", N_("name at least one assistance event of the household")),
                             422, "measures")
    return Move(step, state, to_state or state)


def is_overdue(warning: dict, now: datetime, deadline_days: int) -> bool:
    """Still open (or only acknowledged) after ``deadline_days`` since it was raised."""
    if state_of(warning) not in (OPEN, ACKNOWLEDGED):
        return False
    raised = datetime.fromisoformat(warning["raised_at"].replace("Z", "+00:00"))
    return now - raised > timedelta(days=deadline_days)


def overdue_before(now: datetime, deadline_days: int) -> str:
    """The ISO time before which an open warning is overdue (for a store query)."""
    return iso_z(now - timedelta(days=deadline_days))


def area_scope(code: str, level: str) -> dict:
    """A store filter of the warnings in an area (by the codes a warning carries)."""
    if level == "country":
        return {}
    if level in ("province", "prefecture"):
        return {"county_code": {"$regex": "^" + code[:2 if level == "province" else 4]}}
    if level == "county":
        return {"county_code": code}
    return {"village_code": code if level == "village" else {"$regex": "^" + code}}
