"""Checks every e-commerce write makes about the households it names, against the local
read model of the registry's files and the enrolments: the program works only with
households the registry knows and the program enrolled."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort


def household_problem(household_id: str) -> str | None:
    """Why this household cannot be named in an e-commerce record (None: it can)."""
    if current_app.extensions["household_view"].get(household_id) is None:
        return f"unknown household {household_id}"
    if not current_app.extensions["enrolments"].is_enrolled(household_id):
        return f"household {household_id} is not enrolled in e-commerce"
    return None


def known_household(household_id: str) -> dict | None:
    return current_app.extensions["household_view"].get(household_id)


def refuse(field: str, problem: str, status: int = 409):
    """Abort naming the field, as a validation error would."""
    abort(status, message=problem, errors={"json": {field: [problem]}})


def refuse_fields(errors: dict, status: int = 422, message: str = "The input does not fit the record."):
    abort(status, message=message, errors={"json": errors})
