"""What the use cases need from the running app: repositories, the policy, and the checks on
households every command makes (known here from the registry's files, and enrolled)."""
from __future__ import annotations

from flask import current_app


def ext(name: str):
    return current_app.extensions[name]


def policy():
    return current_app.extensions["pv_policy"]


def require_enrolled(household_id: str, field: str = "household_id") -> dict:
    """The household's file as known here; refused when unknown or not enrolled."""
    return ext("household_guard").require_enrolled(household_id, field)
