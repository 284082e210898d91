"""What the micro-credit resources share: the service object and a loan authorized for its
county; refusals take the API's one error shape through shared/programs/refusals.py."""
from __future__ import annotations

from flask import current_app

from shared.auth.web import authorize
from shared.programs.refusals import refusals


def microcredit():
    """The service layer (services/microcredit/service.py), built in app.py."""
    return current_app.extensions["microcredit"]


def loan_for(action: str, loan_id: str) -> tuple[dict, object]:
    """The loan and who acts on it, authorized for its county (404 first: nothing to hide
    about a loan id that does not exist)."""
    with refusals():
        loan = microcredit().loans.require(loan_id)
    return loan, authorize(action, county=loan["county_code"])
