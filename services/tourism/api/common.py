"""What the tourism resources share: the service object and 404s."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort



def tourism():
    """The service layer (services/tourism/service.py), built in app.py."""
    return current_app.extensions["tourism"]


def found(record: dict | None, what: str, record_id: str) -> dict:
    if record is None:
        abort(404, message=f"no {what} {record_id}")
    return record
