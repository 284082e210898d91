"""What the use cases need from the running app: repositories, the policy, and the checks on
households every command makes (known here from the registry's files, and enrolled)."""
from __future__ import annotations

from flask import current_app

from shared.programs.refused import Refused


def ext(name: str):
    return current_app.extensions[name]


def policy():
    return current_app.extensions["pv_policy"]


def require_enrolled(household_id: str, field: str = "household_id") -> dict:
    """The household's file as known here; refused when unknown or not enrolled."""
    household = ext("household_view").get(household_id)
    if household is None:
        raise Refused(f"unknown household {household_id} (not in the registry's files known here)", field)
    if not ext("enrolments").is_enrolled(household_id):
        raise Refused(f"household {household_id} is not enrolled in photovoltaic poverty alleviation", field)
    return household
