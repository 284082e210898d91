"""What the e-commerce pages add to shared/programs/forms.py: a typed list's item errors shown
at its box, the service's refusals as the form's field errors (or the form's, naming no
field), list filters loaded with the API's schemas (a bad one dropped and said in a message)."""
from __future__ import annotations

import re

from flask import flash, request
from marshmallow import Schema, ValidationError

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.programs.forms import Listing, page_number, refused
from shared.programs.forms import submit as kit_submit
from shared.programs.refused import Refused
from shared.web.forms import form_errors, refusal_said
from services.ecommerce.api.common import authorize_village

FORM_ERROR = "_form"   # a problem that belongs to no single field
PAGE_ARGS = ("page", "per_page", "lang")
PER_PAGE = 50


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
    """A refusal's errors at its fields; one that names no field (a record changed meanwhile,
    a store closed) at the form as a whole."""
    if not exc.names_fields:
        return {FORM_ERROR: refusal_said(exc)}
    return refused(exc)


def submit(schema: type[Schema], data: dict, action, county=None, *, principal=None) -> tuple[object, dict]:
    """The kit's ``submit`` (shared/programs/forms.py) with these forms' errors: a refusal
    naming no field at the form, a list's item at its box."""
    result, errors = kit_submit(schema, data, action, county, principal=principal, refusal=refusal)
    return result, collapse_items(errors)


def in_its_village(update, record: dict):
    """``update(record, fields, by)`` as ``submit`` runs it, for a record that may move to
    another village (a station, a training session): the writer must be allowed to write in
    the county it moves to as well (the service leaves that check to the web layer)."""
    def run(fields: dict, by: str):
        authorize_village(fields)
        return update(record, fields, by)
    return run


def listing(schema: Schema) -> Listing:
    """The kit's ``Listing`` for these lists: every filter of the query string kept as typed
    (the templates' ``params``), loaded with the API's schema; one that does not parse is
    dropped and said in a message rather than shown at the filter form."""
    principal = authorize(READ)
    wanted, problems = filters(schema)
    for field, problem in problems.items():
        flash(f"{field}: {problem}")
    return Listing(principal, raw_filters(), wanted, {}, page_number(), PER_PAGE)


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
