"""What every program's repositories share: the outbox fields no reader sees, the caller's
county scope on a query, and a prefix match for searches."""
from __future__ import annotations

import re

from shared import outbox

# A record's outbox bookkeeping, left out of everything a repository returns.
PUBLIC = {outbox.PENDING_FIELD: 0, outbox.FLAG_FIELD: 0, outbox.REV_FIELD: 0}
# A county filter that matches nothing: a county-scoped caller asking for another county.
NO_COUNTY = {"$in": []}


def scoped(scope: dict, query: dict | None = None, **filters) -> dict:
    """``query`` and the ``filters`` given (None and '' are left out), narrowed to the
    caller's county (``scope`` is ``Principal.county_filter``). A caller who sees every
    county may ask for one (``county_code=``); a county-scoped caller asking for another
    county than its own gets nothing (one rule for every program, issue 17: some programs
    answered with the caller's own county instead)."""
    narrowed = {**(query or {}), **{k: v for k, v in filters.items() if v not in (None, "")}}
    own = scope.get("county_code")
    if own:
        narrowed["county_code"] = own if narrowed.get("county_code", own) == own else NO_COUNTY
    return narrowed


def only(filters: dict, *names: str) -> dict:
    """The ``filters`` named, for ``scoped`` to keep those that are set."""
    return {name: filters.get(name) for name in names}


def id_or_name(text: str, name: str = "name", *ids: str) -> dict:
    """A search box's query: records whose id (or each of ``ids``; ids are written in capitals)
    or whose ``name`` starts with ``text``."""
    text = text.strip()
    return {"$or": [{field: prefix(text.upper())} for field in ("_id", *ids)] + [{name: prefix(text)}]}


def prefix(text: str) -> dict:
    """Strings starting with ``text`` (its surrounding blanks ignored), as the store's index
    answers them."""
    return {"$regex": "^" + re.escape(text.strip())}
