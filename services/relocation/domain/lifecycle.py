"""A household's relocation case, in pure logic: the order of its steps, the area and
self-paid caps, the subsidies due at each stage, and when being moved in without a job
becomes a risk.

    enrolled → housing_allocated → moved_in → supported → reclaimed

``supported`` means follow-up support reached its goal: employment arranged for at least one
member (一户一就业). Skills training can be recorded from moving in on; it does not change
the stage. Land is reclaimed (old house demolished, 拆旧复垦) only after that."""
from __future__ import annotations

import calendar
import uuid
from datetime import date

from shared.events.types.relocation import STAGES
from shared.programs.refused import Refused
from services.relocation.domain.policy import Policy

ENROLLED, HOUSING_ALLOCATED, MOVED_IN, SUPPORTED, RECLAIMED = STAGES
# step → (stages it may be taken from, stage it leads to; None: the stage stays)
STEPS = {
    "allocate_housing": ((ENROLLED,), HOUSING_ALLOCATED),
    "move_in": ((HOUSING_ALLOCATED,), MOVED_IN),
    "arrange_employment": ((MOVED_IN, SUPPORTED), SUPPORTED),
    "record_training": ((MOVED_IN, SUPPORTED, RECLAIMED), None),
    "reclaim_land": ((SUPPORTED,), RECLAIMED),
}
# What must have happened before a step, in words (for the refusal).
NEEDS = {
    "allocate_housing": "housing is allocated once, to a case just opened",
    "move_in": "housing must be allocated first",
    "arrange_employment": "the household must have moved in first",
    "record_training": "the household must have moved in first",
    "reclaim_land": "employment must be arranged for a member first (one household, one job)",
}
# A subsidy of each kind is paid once, from the stage it belongs to on.
SUBSIDY_STAGE = {"housing": HOUSING_ALLOCATED, "moving": MOVED_IN, "follow_up": SUPPORTED, "reclamation": RECLAIMED}


def new_case_id() -> str:
    return "R" + uuid.uuid4().hex[:10].upper()


def new_subsidy_id() -> str:
    return "P" + uuid.uuid4().hex[:10].upper()


def next_stage(stage: str, step: str) -> str:
    """The stage after ``step``; Refused (409) when the step is out of order."""
    if step not in STEPS:
        raise Refused(f"unknown step {step!r}", "step", 422)
    allowed, after = STEPS[step]
    if stage not in allowed:
        raise Refused(f"{step.replace('_', ' ')} is not possible at stage '{stage}': {NEEDS[step]}")
    return after or stage


def allowed_steps(stage: str) -> list[str]:
    return [step for step, (allowed, _) in STEPS.items() if stage in allowed]


def check_allocation(area_m2: int, people: int, self_paid_fen: int, policy: Policy) -> None:
    cap = people * policy.max_m2_per_person
    if area_m2 > cap:
        raise Refused(f"At most {policy.max_m2_per_person} m² per person: {cap} m² for {people} people, "
                      f"not {area_m2}.", "area_m2", 422)
    if self_paid_fen > policy.self_paid_cap_fen:
        raise Refused(f"A household pays at most ¥{policy.self_paid_cap_fen / 100:,.2f} itself.", "self_paid_fen", 422)


def check_day(day: date, today: date, field: str, not_before: str | None = None, what: str = "") -> None:
    """A step's date: not in the future, not before the step it follows."""
    if day > today:
        raise Refused("The date cannot be in the future.", field, 422)
    if not_before and day.isoformat() < not_before:
        raise Refused(f"The date cannot be before {what} ({not_before}).", field, 422)


def check_subsidy(case: dict, kind: str) -> None:
    if kind not in SUBSIDY_STAGE:
        raise Refused(f"unknown subsidy kind {kind!r}", "kind", 422)
    needed = SUBSIDY_STAGE[kind]
    if STAGES.index(case["stage"]) < STAGES.index(needed):
        raise Refused(f"The {kind} subsidy is paid from stage '{needed}' on; the case is at '{case['stage']}'.", "kind")
    if any(s["kind"] == kind for s in case.get("subsidies", [])):
        raise Refused(f"The {kind} subsidy was already paid for this case.", "kind")


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def no_job_risk_due(case: dict, today: date, months: int) -> bool:
    """Moved in ``months`` months ago or more and still nobody employed: raise the risk, once."""
    if case["stage"] != MOVED_IN or case.get("risk_raised") or not case.get("moved_in_on"):
        return False
    return add_months(date.fromisoformat(case["moved_in_on"]), months) <= today
