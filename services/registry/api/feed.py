"""The consolidated stream over HTTP for the central office: pages, live (SSE), CSV.

Read straight from the stream topic by the service's feed (services/registry/feed.py: no
group, no commits): the caller holds the position as an opaque cursor. A county-scoped
caller only ever sees their county; asking for another is 403.

The blueprint's prefix is ``/api`` (not ``/api/feed``): Flask joins a prefix and a rule
with "/", so ``/api/feed.csv`` cannot be a rule under ``/api/feed``.
"""
from __future__ import annotations

import json
import logging
import time
from contextlib import contextmanager

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.web.csv_export import csv_cell, csv_response, yuan_cell
from shared.web.schemas import StrictSchema
from services.registry.api.common import answer, registry
from services.registry.domain.feed import CursorError, FeedFilter, decode_cursor
from services.registry.feed import BrokerUnavailable, LiveReader
from shared.messages import N_

log = logging.getLogger(__name__)

blp = Blueprint("feed", __name__, url_prefix="/api",
                description="The consolidated stream of accepted assistance events (central office)")

PAGE_DEFAULT, PAGE_MAX = 50, 500
CSV_DEFAULT, CSV_MAX = 10_000, 100_000
CSV_CHUNK = 500
CSV_MAX_SECONDS = 60        # the export stops there and says where (X-Next-Cursor)
SSE_DEFAULT_SECONDS = 300   # then the browser reconnects with Last-Event-ID: no worker held forever
SSE_KEEPALIVE_SECONDS = 15  # proxies drop silent connections; a write also detects a gone client
SSE_POLL_SECONDS = 1.0
SSE_RETRY_MS = 3000


# --- schemas ----------------------------------------------------------------------------
class Cursor(fields.String):
    """An opaque position in the stream, as returned in ``next_cursor`` / ``cursor`` / SSE ``id``."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            decode_cursor(text)
        except CursorError as exc:
            raise ValidationError(str(exc)) from None
        return text


class FeedFilterSchema(StrictSchema):
    cursor = Cursor(metadata={"description": "continue after this position; none = from the beginning"})
    program = fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$"),
                            metadata={"description": "data.program, e.g. ecommerce"})
    event_type = fields.String(validate=validate.Length(min=1, max=200),
                               metadata={"description": "data.event_type or the envelope type"})
    county = fields.String(validate=validate.Regexp(r"^[0-9]{6}$", error=N_("6 digits (GB/T 2260)")),
                           metadata={"description": "data.county_code; county operators get their own"})
    village = fields.String(validate=validate.Length(min=1, max=50))


class FeedQuerySchema(FeedFilterSchema):
    limit = fields.Integer(load_default=PAGE_DEFAULT, validate=validate.Range(min=1, max=PAGE_MAX))


class FeedStreamQuerySchema(FeedFilterSchema):
    max_seconds = fields.Integer(load_default=SSE_DEFAULT_SECONDS,
                                 validate=validate.Range(min=1, max=SSE_DEFAULT_SECONDS),
                                 metadata={"description": "the stream ends after this; EventSource reconnects"})


class FeedCsvQuerySchema(FeedFilterSchema):
    limit = fields.Integer(load_default=CSV_DEFAULT, validate=validate.Range(min=1, max=CSV_MAX),
                           metadata={"description": "at most this many rows"})


class LastEventIdSchema(Schema):
    # Headers: other headers are ignored (webargs excludes unknown ones for this location).
    last_event_id = Cursor(data_key="Last-Event-ID",
                           metadata={"description": "sent by EventSource on reconnect; wins over ?cursor="})


class FeedEntrySchema(Schema):
    cursor = fields.String(metadata={"description": "the position right after this entry"})
    id = fields.String()
    type = fields.String()
    time = fields.String()
    subject = fields.String()
    data = fields.Dict(metadata={"description": "the event data, passed through as published"})


class FeedPageSchema(Schema):
    items = fields.List(fields.Nested(FeedEntrySchema))
    next_cursor = fields.String()
    has_more = fields.Boolean()


# --- access and the broker ------------------------------------------------------------
def _where(args: dict) -> FeedFilter:
    """The caller's filter, narrowed to their county scope (403 for another county)."""
    principal = authorize(READ, county=args.get("county"))
    return FeedFilter(program=args.get("program"), event_type=args.get("event_type"),
                      county=args.get("county") or principal.county, village=args.get("village"))


def _feed():
    """The service's feed (services/registry/feed.py)."""
    return registry().feed


@contextmanager
def _broker():
    try:
        yield
    except BrokerUnavailable as exc:
        log.error("broker unavailable for the feed", extra={"error": repr(exc.__cause__)})
        answer(exc)


# --- GET /api/feed --------------------------------------------------------------------
@blp.route("/feed")
class Feed(MethodView):
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, FeedPageSchema)
    @blp.alt_response(403, description="another county than the caller's")
    @blp.alt_response(503, description="the broker is unavailable")
    def get(self, args):
        """A page of stream entries after a cursor, oldest first, merged across partitions.

        Scanning is bounded: a sparse filter may return fewer than ``limit`` items with
        ``has_more`` true; continue from ``next_cursor``."""
        where = _where(args)
        with _broker():
            page = _feed().page(args.get("cursor"), where, args["limit"])
        return {"items": page.items, "next_cursor": page.next_cursor, "has_more": page.has_more}


# --- GET /api/feed/stream (Server-Sent Events) -----------------------------------------
def sse_message(entry: dict) -> str:
    # One line per field; JSON without indent has no raw newlines, the type is cleaned.
    kind = "".join(ch for ch in entry["type"] if ch not in "\r\n")
    data = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    return f"id: {entry['cursor']}\nevent: {kind}\ndata: {data}\n\n"


def sse_events(reader: LiveReader, cursor: str | None, where: FeedFilter, max_seconds: float,
               clock=time.monotonic, sleep=time.sleep):
    """Entries as SSE messages until ``max_seconds``; closes the reader however it ends."""
    deadline = clock() + max_seconds
    last_write = clock()
    try:
        yield f"retry: {SSE_RETRY_MS}\n\n"
        while clock() < deadline:
            page = reader.read_page(cursor, where, limit=100, max_wait_s=max(0.1, min(5.0, deadline - clock())))
            for item in page.items:
                yield sse_message(item)
                cursor, last_write = item["cursor"], clock()
            if page.next_cursor and page.next_cursor != cursor:
                # Records the filter skipped moved the position: an id-only message moves the
                # client's Last-Event-ID without an event, so a reconnect does not rescan them.
                yield f"id: {page.next_cursor}\n\n"
                cursor, last_write = page.next_cursor, clock()
            if page.has_more:
                continue
            if clock() - last_write >= SSE_KEEPALIVE_SECONDS:
                yield ": keep-alive\n\n"
                last_write = clock()
            sleep(max(0.0, min(SSE_POLL_SECONDS, deadline - clock())))
    except BrokerUnavailable as exc:
        # End the stream; EventSource reconnects from the last id it got, so nothing is lost.
        log.warning("feed stream ended: broker error", extra={"error": repr(exc.__cause__)})
    finally:
        reader.close()


@blp.route("/feed/stream")
class FeedStream(MethodView):
    @blp.arguments(FeedStreamQuerySchema, location="query")
    @blp.arguments(LastEventIdSchema, location="headers")
    @blp.response(200, {"type": "string"}, content_type="text/event-stream",
                  description="`id: <cursor>`, `event: <type>`, `data: <entry JSON>`; comments keep it alive")
    @blp.alt_response(403, description="another county than the caller's")
    def get(self, args, headers):
        """Live entries as Server-Sent Events, resuming from ``Last-Event-ID`` (or ``cursor``)."""
        where = _where(args)
        cursor = headers.get("last_event_id") or args.get("cursor")
        with _broker():
            reader = _feed().live()
        return Response(sse_events(reader, cursor, where, args["max_seconds"]), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


# --- GET /api/feed.csv ------------------------------------------------------------------
CSV_COLUMNS = ("time", "household_id", "program", "event_type", "title_en", "title_zh",
               "income_yuan", "amount_yuan", "county_code", "village")
def csv_row(entry: dict) -> list[str]:
    data = entry["data"]
    return [csv_cell(entry["time"]), csv_cell(data.get("household_id") or entry["subject"]),
            csv_cell(data.get("program")), csv_cell(data.get("event_type") or entry["type"]),
            csv_cell(data.get("title_en")), csv_cell(data.get("title_zh")),
            yuan_cell(data.get("income_fen")), yuan_cell(data.get("amount_fen")),
            csv_cell(data.get("county_code")), csv_cell(data.get("village"))]


@blp.route("/feed.csv")
class FeedCsv(MethodView):
    @blp.arguments(FeedCsvQuerySchema, location="query")
    @blp.response(200, {"type": "string"}, content_type="text/csv",
                  description="UTF-8 with BOM (for spreadsheets), one row per entry",
                  headers={"X-Next-Cursor": {"description": "continue the export from here",
                                             "schema": {"type": "string"}},
                           "X-Has-More": {"description": "true when entries were left out",
                                          "schema": {"type": "string"}}})
    @blp.alt_response(403, description="another county than the caller's")
    @blp.alt_response(503, description="the broker is unavailable")
    def get(self, args):
        """The same filtered entries as a CSV export (bounded rows and time)."""
        where = _where(args)
        # Built in memory (≤ ~25 MB at the cap) so the response can say where it stopped.
        with _broker():
            lines, cursor, has_more = _feed().export(args.get("cursor"), where, args["limit"], csv_row,
                                                     CSV_CHUNK, CSV_MAX_SECONDS)
        return csv_response("jingzhun-feed.csv", CSV_COLUMNS, lines, {
            "X-Next-Cursor": cursor or "", "X-Has-More": "true" if has_more else "false"})
