"""The consolidated stream page: the latest entries, filters, a live view, the CSV export.

The page renders the latest entries on the server; the live toggle opens an EventSource on
/api/feed/stream starting at the position right after them, so nothing is shown twice.
"""
from pathlib import Path

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.auth.roles import READ
from shared.auth.web import authorize, require
from shared.events.catalogue import load_all_types
from shared.events.topics import PROGRAMS
from shared.web.forms import form_errors
from services.registry.api.common import registry
from services.registry.api.feed import FeedFilterSchema
from services.registry.domain.feed import FeedFilter
from services.registry.feed import BrokerUnavailable

bp = Blueprint("registry_feed_ui", __name__,
               static_folder=str(Path(__file__).resolve().parent.parent / "static"),
               static_url_path="/feed-assets")
LATEST = 50


def _filters() -> tuple[dict, dict]:
    """(valid filters, errors) from the query string; a bad filter is shown, not applied."""
    raw = {k: request.args[k].strip() for k in ("program", "county") if request.args.get(k, "").strip()}
    try:
        return FeedFilterSchema(only=("program", "county")).load(raw), {}
    except ValidationError as exc:
        return {k: v for k, v in raw.items() if k not in exc.messages}, form_errors(exc.messages)


@bp.get("/feed")
@require(READ)
def feed():
    args, errors = _filters()
    principal = authorize(READ, county=args.get("county"))
    county = args.get("county") or principal.county
    where = FeedFilter(program=args.get("program"), county=county)
    items, cursor, unavailable = [], "", False
    try:
        page = registry().feed.latest(where, LATEST)
        items, cursor = page.items, page.next_cursor
    except BrokerUnavailable:
        unavailable = True
    params = {k: v for k, v in (("program", args.get("program")), ("county", county)) if v}
    return render_template(
        "registry/feed.html", items=items, errors=errors, program=args.get("program") or "",
        county=county or "", county_locked=bool(principal.county), programs=PROGRAMS,
        program_names={p: _(p) for p in PROGRAMS},  # for rows the live view adds
        unavailable=unavailable,
        csv_url=url_for("feed.FeedCsv", **params),
        stream_url=url_for("feed.FeedStream", **params, **({"cursor": cursor} if cursor else {})),
        event_types=[t.type for t in load_all_types()],
    ), 503 if unavailable else (422 if errors else 200)
