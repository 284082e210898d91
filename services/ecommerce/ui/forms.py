"""What the e-commerce pages add to shared/programs/forms.py: a typed list's item errors shown
at its box, the service's refusals as the form's field errors (or the form's, naming no
field), list filters loaded with the API's schemas."""
from __future__ import annotations

import re

from flask import request
from marshmallow import Schema, ValidationError

from shared.programs.forms import refused
from shared.programs.forms import validate as validate_fields
from shared.programs.refused import Refused
from shared.web.forms import form_errors

FORM_ERROR = "_form"   # a problem that belongs to no single field
PAGE_ARGS = ("page", "per_page", "lang")


def validate(schema: type[Schema], data: dict) -> tuple[dict | None, dict]:
    """(fields, {}) or (None, field errors), an item's error at its list's box."""
    fields, errors = validate_fields(schema, data)
    return fields, collapse_items(errors)


def collapse_items(errors: dict) -> dict:
    """These forms type a list in one box (household ids, names): an item's error
    ('committed_households-1') is shown at the box, saying which item."""
    collapsed: dict = {}
    for key, message in errors.items():
        name, _, rest = key.partition("-")
        if rest and rest.split("-")[0].isdigit():
            number = int(rest.split("-")[0]) + 1
            collapsed[name] = (collapsed.get(name, "") + f" #{number}: {message}").strip()
        else:
            collapsed[key] = message
    return collapsed


def refusal(exc: Refused) -> dict:
    """A refusal's errors at its fields (a list's item at its box); one that names no field
    (a record changed meanwhile, a store closed) at the form as a whole."""
    if not exc.names_fields:
        return {FORM_ERROR: exc.message}
    return collapse_items(refused(exc))


def filters(schema: Schema) -> tuple[dict, dict]:
    """The list filters in the query string, loaded with the API's schema; a filter that
    does not parse is dropped (and reported) rather than failing the page."""
    raw = {k: v.strip() for k, v in request.args.items() if k not in PAGE_ARGS and v.strip()}
    try:
        return schema.load(raw), {}
    except ValidationError as exc:
        bad = set(exc.messages)
        kept = {k: v for k, v in raw.items() if k not in bad}
        try:
            return schema.load(kept), form_errors(exc.messages)
        except ValidationError:
            return {}, form_errors(exc.messages)


def raw_filters() -> dict:
    """The query string's filters as typed (to refill the filter form and keep them in links)."""
    return {k: v for k, v in request.args.items() if k not in PAGE_ARGS and v.strip()}


def household_list(text: str) -> list[str]:
    """Household ids typed one a line, or separated by spaces or commas."""
    return [part for part in re.split(r"[\s,，;；]+", text or "") if part]


def name_list(text: str) -> list[str]:
    """Member names one a line, or separated by commas (Chinese or Latin) — names may hold spaces."""
    return [part.strip() for part in re.split(r"[\n,，、;；]+", text or "") if part.strip()]
