"""Faults and restorations, and the check that raises the risk signal of an installation
down too long (from the API on restoration, and from ``tasks check-faults`` every day)."""
from __future__ import annotations

from datetime import date

from shared.auth.roles import WRITE
from shared.auth.web import authorize
from services.photovoltaic.domain.faults import check_down_since, check_restored_on
from services.photovoltaic.usecases.context import ext, policy


def report(fields: dict) -> dict:
    installation = ext("installations").require(fields["installation_id"])
    principal = authorize(WRITE, county=installation["county_code"])
    check_down_since(installation, fields["down_since"], date.today())
    return ext("faults").report(installation, fields, principal.username)


def restore(fault_id: str, restored_on: date) -> dict:
    fault = ext("faults").require(fault_id)
    principal = authorize(WRITE, county=fault["county_code"])
    check_restored_on(fault, restored_on, date.today())
    installation = ext("installations").require(fault["installation_id"])
    return ext("faults").restore(fault, installation, restored_on, principal.username, policy().down_days)


def check_faults(faults, installations, today: date, threshold_days: int, by: str = "fault-check") -> list[str]:
    """Raise the risk for every open fault that has lasted the threshold by ``today``; each
    fault once, however often this runs. Returns the faults raised now."""
    raised = []
    for fault in faults.due_for_check(today, threshold_days):
        installation = installations.get(fault["installation_id"])
        if installation and faults.raise_if_due(fault, installation, today, by, threshold_days):
            raised.append(fault["_id"])
    return raised
