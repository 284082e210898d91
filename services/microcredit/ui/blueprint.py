"""The micro-credit pages' blueprint; form and list helpers come from shared/web/pages.py."""
from __future__ import annotations

from flask import Blueprint, current_app

from shared.web.forms import form_errors
from shared.web.pages import filters, load, page_number, record_or_404, text  # noqa: F401  (the views' helpers)
from services.microcredit.domain.errors import Refused

bp = Blueprint("microcredit_ui", __name__)
PER_PAGE = 25


def microcredit():
    return current_app.extensions["microcredit"]


def refusal(exc: Refused) -> dict:
    return form_errors(exc.errors)
