"""What the program services' server-rendered pages share: form posts validated with the API's
schemas (errors flattened for the templates), authorized, run and their refusals shown at their
field (``submit``, ``submit_on``, ``form_page``); list and report pages with their filters and paging
(``listing``, ``read_filters``); and a record shown only within the reader's county."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import abort, render_template, request
from marshmallow import Schema, ValidationError

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.web.forms import form_errors, int_or_text, refusal_errors, yuan_to_fen
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
    """A refusal's field errors for the template, keyed as ``validate`` keys them, said in the
    reader's language."""
    return refusal_errors(exc, prefix)


def page_number() -> int:
    return max(1, request.args.get("page", 1, type=int))


def args(*names: str) -> dict:
    """Filters from the query string, trimmed, blank ones dropped: what the schema loads, what
    refills the filter form (a missing filter shows empty) and what the pager's links keep."""
    return _filled(request.args, names)


def record_or_404(record: dict | None, action: str = READ, missing: str | None = None) -> tuple[dict, object]:
    """The record and who may ``action`` it in its county; 404 if there is none (saying
    ``missing``, where the page names what is missing)."""
    if record is None:
        abort(404, description=missing)
    return record, authorize(action, county=record["county_code"])


# --- list and report pages --------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    """What a reader asked a list or a report for: who reads (``principal.county_filter``
    narrows what is shown), the filters as typed (they refill the filter form and links keep
    them), the filters as the schema loads them and the schema's errors."""
    principal: object
    shown: dict
    query: dict
    errors: dict


def read_filters(*names: str, schema: type[Schema] | None = None) -> Filters:
    """The reader, authorized to read first, and the filters ``names`` in the query string,
    loaded with ``schema`` where the page has one: a filter that does not load is the page's
    error, and the page is shown unfiltered rather than failing."""
    principal = authorize(READ)
    shown = args(*names)
    query, errors = validate(schema, shown) if schema else (shown, {})
    return Filters(principal, shown, query or {}, errors)


@dataclass(frozen=True)
class Listing(Filters):
    """One page of a filtered list."""
    page: int
    per_page: int

    @property
    def window(self) -> tuple[int, int]:
        """(skip, limit), as the repositories' ``list`` take them."""
        return (self.page - 1) * self.per_page, self.per_page

    def render(self, template: str, items: list, total: int, **context):
        """The list's template with what every list template reads; ``context`` wins, so a
        page that has a form of its own too can name the filters' errors otherwise."""
        return render_template(template, **{"items": items, "total": total, "page": self.page,
                                            "per_page": self.per_page, "filters": self.shown,
                                            "errors": self.errors, **context})


def listing(*names: str, schema: type[Schema] | None = None, per_page: int = PER_PAGE) -> Listing:
    """``read_filters``, and the page of the list asked for."""
    asked = read_filters(*names, schema=schema)
    return Listing(asked.principal, asked.shown, asked.query, asked.errors, page_number(), per_page)


# --- form posts -----------------------------------------------------------------------------------
def household_county(fields: dict) -> str:
    """The county of the household a form names: who may write is decided there."""
    return county_of(fields["household_id"])


def village_county(fields: dict) -> str:
    """The county of the village a form names (a village code starts with its county's)."""
    return fields["village_code"][:6]


def submit(schema: type[Schema], data: dict, action: Callable[[dict, str], object],
           county: str | Callable[[dict], str] | None = None, *, principal=None, prefix: str = "",
           refusal: Callable[[Refused], dict] | None = None) -> tuple[object, dict]:
    """Post a form: ``(action's result, {})`` once done, ``(None, errors)`` otherwise.

    Only a valid form is authorized and acted on, so a bad form writes nothing and tells
    nothing about a county. Who acts is ``principal`` where the page authorized already
    (an existing record: its 404, then 403, come before the form is read), otherwise who may
    write in ``county``: a code, or a function of the valid fields (``household_county``).
    ``action(fields, username)`` is the service's use case; a refusal is shown at its field
    (``refused``, or the page's own ``refusal``). Error keys take ``prefix`` on pages with
    several forms."""
    def act(fields: dict):
        writer = principal if principal is not None else _writer_in(county, fields)
        return action(fields, writer.username)
    return _attempt(schema, data, act, prefix, refusal)


def submit_on(schema: type[Schema], data: dict, find: Callable[[dict], dict],
              action: Callable[[dict, dict, str], object], prefix: str = "") -> tuple[object, dict]:
    """``submit`` for a form about a record it names (a booking's homestay, a report's
    installation): ``find(fields)`` looks the record up, a refusal if there is none (the
    form's error, not a 404: the form named it); the writer must be allowed in the record's
    county; then ``action(record, fields, username)``."""
    def act(fields: dict):
        record = find(fields)
        writer = authorize(WRITE, county=record["county_code"])
        return action(record, fields, writer.username)
    return _attempt(schema, data, act, prefix, None)


def _writer_in(county, fields: dict):
    return authorize(WRITE, county=county(fields) if callable(county) else county)


def _attempt(schema, data, act, prefix, refusal) -> tuple[object, dict]:
    fields, errors = validate(schema, data, prefix)
    if fields is None:
        return None, errors
    try:
        return act(fields), {}
    except Refused as exc:
        return None, (refusal(exc) if refusal else refused(exc, prefix))


def form_page(template: str, errors: dict, **context):
    """A page with a form: 422 while it shows errors, so a client (and a test) tells a post
    that did nothing from a page shown."""
    return render_template(template, errors=errors, **context), 422 if errors else 200
