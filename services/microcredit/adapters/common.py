"""What every micro-credit repository shares: hidden outbox fields, county scopes, and an
event with the history entry of the record it changes."""
from __future__ import annotations

import re

from shared import outbox
from shared.events.catalogue import EventType
from services.microcredit.domain.history import entry

PUBLIC = {outbox.PENDING_FIELD: 0, outbox.FLAG_FIELD: 0, outbox.REV_FIELD: 0}
SOURCE = "microcredit"


def emit(event_type: EventType, household_id: str, data: dict, event_id: str | None = None) -> tuple[dict, dict]:
    """One validated event about a household and its history entry. ``event_id`` makes the
    id deterministic where a retried job must not publish twice."""
    event = outbox.event(event_type.type, SOURCE, household_id, {**data, "household_id": household_id})
    if event_id:
        event["id"] = event_id
    return event, entry(event_type, event["data"], [household_id], event["time"])


def scoped(query: dict, scope: dict, county_code: str | None = None) -> dict:
    """Narrow a query to the caller's county (program operators may be county-scoped)."""
    if scope.get("county_code"):
        return {**query, "county_code": scope["county_code"]}
    if county_code:
        return {**query, "county_code": county_code}
    return query


def prefix(text: str) -> dict:
    return {"$regex": "^" + re.escape(text.strip())}
