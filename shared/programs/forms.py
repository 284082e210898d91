"""What the program services' server-rendered pages share: form posts validated with the API's
schemas (errors flattened for the templates), refusals shown at their field, list filters and
paging, and a record shown only within the reader's county."""
from __future__ import annotations

from flask import abort, request
from marshmallow import Schema, ValidationError

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.web.forms import form_errors, int_or_text, yuan_to_fen
from shared.programs.refused import Refused

PER_PAGE = 50


def _filled(values, names) -> dict:
    return {n: values.get(n, "").strip() for n in names if values.get(n, "").strip()}


def text(*names: str) -> dict:
    """The form's text fields, trimmed; those left empty are not sent (the schema's default
    or 'required' applies, as in the API)."""
    return _filled(request.form, names)


def raw(*names: str) -> dict:
    """The form's text fields, trimmed, empty ones included: an edit form sends every field,
    and one emptied is an error rather than 'unchanged'."""
    return {n: request.form.get(n, "").strip() for n in names}


def payload(text=(), integers=(), yuan=(), optional=()) -> dict:
    """The posted form as the API would receive it: empty inputs left out (so the schema
    names what is missing), integers and yuan converted, anything else passed through for
    the schema to report. ``yuan`` maps form names to fen fields."""
    form, out = request.form, _filled(request.form, text)
    for name in integers:
        if form.get(name, "").strip():
            out[name] = int_or_text(form[name].strip())
    for form_name, field in dict(yuan).items():
        if form.get(form_name, "").strip():
            out[field] = yuan_to_fen(form[form_name])
    for name in optional:
        out.setdefault(name, None)
    return out


def validate(schema: type[Schema], data: dict, prefix: str = "") -> tuple[dict | None, dict]:
    """(fields, {}) or (None, field errors) — error keys prefixed for pages with several forms."""
    try:
        return schema().load(data), {}
    except ValidationError as exc:
        return None, form_errors(exc.messages, prefix)


def refused(exc: Refused, prefix: str = "") -> dict:
    """A refusal's field errors for the template, keyed as ``validate`` keys them."""
    return form_errors(exc.errors, prefix)


def page_number() -> int:
    return max(1, request.args.get("page", 1, type=int))


def args(*names: str) -> dict:
    """Filters from the query string, trimmed, blank ones dropped: what the schema loads, what
    refills the filter form (a missing filter shows empty) and what the pager's links keep."""
    return _filled(request.args, names)


def record_or_404(record: dict | None, action: str = READ) -> tuple[dict, object]:
    """The record and who may ``action`` it in its county; 404 if there is none."""
    if record is None:
        abort(404)
    return record, authorize(action, county=record["county_code"])
