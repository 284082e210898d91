"""Faults: how long an installation was down, and when that becomes a risk for its households."""
from __future__ import annotations

import uuid
from datetime import date

from shared.programs.refused import Refused

OPEN, RESTORED = "open", "restored"


def new_fault_id() -> str:
    return "F" + uuid.uuid4().hex[:10].upper()


def days_down(down_since: date, until: date) -> int:
    """Whole days without generation: down on the 1st and restored on the 31st is 30 days."""
    return max(0, (until - down_since).days)


def check_down_since(installation: dict, down_since: date, today: date) -> None:
    if down_since > today:
        raise Refused("A fault cannot start in the future.", "down_since", 422)
    if down_since.isoformat() < installation["commissioned_on"]:
        raise Refused(f"The installation was commissioned on {installation['commissioned_on']}.", "down_since", 422)


def check_restored_on(fault: dict, restored_on: date, today: date) -> None:
    if fault["status"] != OPEN:
        raise Refused(f"fault {fault['_id']} was already restored on {fault['restored_on']}")
    if restored_on > today:
        raise Refused("A restoration cannot be recorded in the future.", "restored_on", 422)
    if restored_on.isoformat() < fault["down_since"]:
        raise Refused(f"The installation went down on {fault['down_since']}.", "restored_on", 422)


def risk_due(fault: dict, on: date, threshold_days: int) -> bool:
    """A fault raises the risk signal once, when it has lasted ``threshold_days`` — found by
    the daily check while it lasts, or on restoration if the check never ran."""
    return not fault.get("risk_raised") and days_down(date.fromisoformat(fault["down_since"]), on) >= threshold_days
