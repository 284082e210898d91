"""The micro-credit pages' blueprint and what its views share: forms validated with the
API's schemas, refusals shown at the field they concern, list paging."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from marshmallow import Schema, ValidationError

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.web.forms import form_errors
from services.microcredit.domain.errors import Refused

bp = Blueprint("microcredit_ui", __name__)
PER_PAGE = 25


def microcredit():
    return current_app.extensions["microcredit"]


def load(schema: Schema, payload: dict) -> tuple[dict | None, dict]:
    """(fields, {}) or (None, {field: "message"}) for a form."""
    try:
        return schema.load(payload), {}
    except ValidationError as exc:
        return None, form_errors(exc.messages)


def refusal(exc: Refused) -> dict:
    return form_errors(exc.errors)


def text(*names: str) -> dict:
    """The form's text fields, trimmed; those left empty are not sent (the schema's default
    or 'required' applies, as in the API)."""
    return {n: request.form.get(n, "").strip() for n in names if request.form.get(n, "").strip()}


def page_number() -> int:
    return max(1, request.args.get("page", 1, type=int))


def filters(*names: str) -> dict:
    return {n: request.args.get(n, "").strip() for n in names}


def record_or_404(record: dict | None, action: str = READ) -> tuple[dict, object]:
    if record is None:
        abort(404)
    return record, authorize(action, county=record["county_code"])
