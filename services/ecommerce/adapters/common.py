"""What the e-commerce repositories share: the public projection (no outbox fields), the
caller's county scope as a filter, and the errors a write can end with."""
from __future__ import annotations

import re

from shared import outbox

PUBLIC = {outbox.PENDING_FIELD: 0, outbox.FLAG_FIELD: 0, outbox.REV_FIELD: 0}


class NotFound(LookupError):
    """No such record."""


class Conflict(RuntimeError):
    """The record changed meanwhile (or an id is taken by something else): nothing written."""


def scoped(scope: dict, query: dict | None = None, county: str | None = None) -> dict:
    """``query`` narrowed to the caller's county (``scope`` is Principal.county_filter) and,
    for callers who see every county, to ``county`` when they ask for one."""
    query = dict(query or {})
    wanted = scope.get("county_code") or county
    if scope.get("county_code") and county and county != scope["county_code"]:
        wanted = "-"  # another county than one's own: nothing
    if wanted:
        query["county_code"] = wanted
    return query


def contains(text: str) -> dict:
    """A case-insensitive 'contains' filter for free-text search."""
    return {"$regex": re.escape(text), "$options": "i"}
