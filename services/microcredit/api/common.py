"""What the micro-credit resources share: the service object and a loan authorized for its
county; refusals take the API's one error shape through shared/programs/refusals.py."""
from __future__ import annotations

from flask import current_app

from shared.programs.access import record_for


def microcredit():
    """The service layer (services/microcredit/service.py), built in app.py."""
    return current_app.extensions["microcredit"]


def loan_for(action: str, loan_id: str) -> tuple[dict, object]:
    """The loan and who acts on it, authorized for its county (shared/programs/access.py)."""
    return record_for(action, microcredit().loans.require, loan_id)
