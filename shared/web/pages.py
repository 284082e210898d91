"""What the program services' server-rendered pages share: forms validated with the API's
schemas (errors flattened for the templates), trimmed form fields, list filters and paging,
and a record shown only within the reader's county."""
from __future__ import annotations

from flask import abort, request
from marshmallow import Schema, ValidationError

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.web.forms import form_errors


def load(schema: Schema, payload: dict) -> tuple[dict | None, dict]:
    """(fields, {}) or (None, {field: "message"}) for a form."""
    try:
        return schema.load(payload), {}
    except ValidationError as exc:
        return None, form_errors(exc.messages)


def text(*names: str) -> dict:
    """The form's text fields, trimmed; those left empty are not sent (the schema's default
    or 'required' applies, as in the API)."""
    return {n: request.form.get(n, "").strip() for n in names if request.form.get(n, "").strip()}


def raw(*names: str) -> dict:
    """The form's text fields, trimmed, empty ones included: an edit form sends every field,
    and one emptied is an error rather than 'unchanged'."""
    return {n: request.form.get(n, "").strip() for n in names}


def page_number() -> int:
    return max(1, request.args.get("page", 1, type=int))


def filters(*names: str) -> dict:
    return {n: request.args.get(n, "").strip() for n in names}


def record_or_404(record: dict | None, action: str = READ) -> tuple[dict, object]:
    if record is None:
        abort(404)
    return record, authorize(action, county=record["county_code"])
