"""Form posts of the program pages validated with the API's schemas, and refusals shown at their field."""
from __future__ import annotations

from flask import request
from marshmallow import Schema, ValidationError

from shared.web.forms import form_errors, int_or_text, yuan_to_fen
from shared.programs.refused import Refused

PER_PAGE = 50


def payload(text=(), integers=(), yuan=(), optional=()) -> dict:
    """The posted form as the API would receive it: empty inputs left out (so the schema
    names what is missing), integers and yuan converted, anything else passed through for
    the schema to report. ``yuan`` maps form names to fen fields."""
    form, out = request.form, {}
    for name in text:
        if form.get(name, "").strip():
            out[name] = form[name].strip()
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
    name = exc.field or "_schema"
    return {f"{prefix}-{name}" if prefix else name: exc.message}


def page_number() -> int:
    return max(1, request.args.get("page", 1, type=int))


def args(*names: str) -> dict:
    """Filters from the query string (blank ones dropped)."""
    return {n: request.args.get(n, "").strip() for n in names if request.args.get(n, "").strip()}
