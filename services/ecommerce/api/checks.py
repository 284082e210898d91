"""Checks every e-commerce write makes about the households it names, against the local
read model of the registry's files and the enrolments: the program works only with
households the registry knows and the program enrolled."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort


def household_problem(household_id: str) -> str | None:
    """Why this household cannot be named in an e-commerce record (None: it can)."""
    return enrolled_household(household_id)[1]


def enrolled_household(household_id: str) -> tuple[dict | None, str | None]:
    """(the household's file, None) when it can be named in an e-commerce record, else
    (None, why not). Usually no read at all: an enrolment and a file found are taken as read
    at most a few seconds ago in this process (shared.programs: an enrolment ended elsewhere
    stops new records within ENROLLED_TTL_S; one ended here, at once). A household is
    enrolled only once its file is in the read model, which never drops a file. A refusal
    is always decided on what the store says now."""
    view = current_app.extensions["household_view"]
    if current_app.extensions["enrolments"].recently_enrolled(household_id):
        household = view.recent(household_id)
        if household is not None:
            return household, None
    if view.get(household_id) is None:
        return None, f"unknown household {household_id}"
    return None, f"household {household_id} is not enrolled in e-commerce"


def known_household(household_id: str) -> dict | None:
    return current_app.extensions["household_view"].get(household_id)


def refuse(field: str, problem: str, status: int = 409):
    """Abort naming the field, as a validation error would."""
    abort(status, message=problem, errors={"json": {field: [problem]}})


def refuse_fields(errors: dict, status: int = 422, message: str = "The input does not fit the record."):
    abort(status, message=message, errors={"json": errors})
