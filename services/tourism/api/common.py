"""What the tourism resources share: the service object, 404s and refusals as 409s."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort

from shared.programs.refused import Refused


def tourism():
    """The service layer (services/tourism/service.py), built in app.py."""
    return current_app.extensions["tourism"]


def conflict(exc: Refused):
    """409 naming the fields, in the API's one error shape: every refusal of tourism's rules is
    a conflict with what is stored, whatever status the refusal carries."""
    abort(409, message=exc.message, errors={"json": exc.errors})


def found(record: dict | None, what: str, record_id: str) -> dict:
    if record is None:
        abort(404, message=f"no {what} {record_id}")
    return record
