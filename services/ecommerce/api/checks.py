"""Checks every e-commerce write makes about the households it names, against the local
read model of the registry's files and the enrolments (the program kit's ``HouseholdGuard``):
the program works only with households the registry knows and the program enrolled."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort

from shared.programs.households import HouseholdGuard


def household_guard() -> HouseholdGuard:
    return current_app.extensions["household_guard"]


def refuse(field: str, problem: str, status: int = 409):
    """Abort naming the field, as a validation error would."""
    abort(status, message=problem, errors={"json": {field: [problem]}})


def refuse_fields(errors: dict, status: int = 422, message: str = "The input does not fit the record."):
    abort(status, message=message, errors={"json": errors})
