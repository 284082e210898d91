"""The record a request names, and who may act on it: every program's API and pages look a
record up the same way — 404 first (nothing to hide about an id that does not exist), then
403 unless the caller's role and area allow ``action`` in the record's county."""
from __future__ import annotations

from typing import Callable

from shared.auth.web import authorize
from shared.programs.refusals import refusals


def record_for(action: str, require: Callable[[str], dict], record_id: str) -> tuple[dict, object]:
    """``require(record_id)`` (a repository's look-up, refusing with 404) and the principal
    authorized for ``action`` in the record's ``county_code``."""
    with refusals():
        record = require(record_id)
    return record, authorize(action, county=record["county_code"])
