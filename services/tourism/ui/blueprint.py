"""The tourism pages' blueprint and what its views share: refusals shown at the field they
concern; form and list helpers come from shared/web/pages.py."""
from __future__ import annotations

from flask import Blueprint, current_app

from shared.web.forms import form_errors
from shared.web.pages import filters, load, page_number, raw, record_or_404, text  # noqa: F401  (the views' helpers)
from services.tourism.domain.errors import Refused

bp = Blueprint("tourism_ui", __name__)
PER_PAGE = 25


def tourism():
    return current_app.extensions["tourism"]


def refusal(exc: Refused) -> dict:
    return form_errors(exc.errors) if exc.errors else {"_schema": exc.message}
