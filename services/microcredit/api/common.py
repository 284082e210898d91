"""What the micro-credit resources share: the service object and refusals in the API's one
error shape, naming the fields."""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app
from flask_smorest import abort

from shared.auth.web import authorize
from services.microcredit.domain.errors import Refused


def microcredit():
    """The service layer (services/microcredit/service.py), built in app.py."""
    return current_app.extensions["microcredit"]


@contextmanager
def refusals(location: str = "json"):
    try:
        yield
    except Refused as exc:
        abort(exc.status, message=exc.message, errors={location: exc.errors})


def loan_for(action: str, loan_id: str) -> tuple[dict, object]:
    """The loan and who acts on it, authorized for its county (404 first: nothing to hide
    about a loan id that does not exist)."""
    with refusals():
        loan = microcredit().loans.require(loan_id)
    return loan, authorize(action, county=loan["county_code"])
