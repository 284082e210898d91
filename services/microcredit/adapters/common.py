"""What every micro-credit repository shares: the source name, and an
event with the history entry of the record it changes."""
from __future__ import annotations

from shared import outbox
from shared.events.catalogue import EventType
from shared.programs.history import entry

SOURCE = "microcredit"


def emit(event_type: EventType, household_id: str, data: dict, event_id: str | None = None) -> tuple[dict, dict]:
    """One validated event about a household and its history entry. ``event_id`` makes the
    id deterministic where a retried job must not publish twice."""
    event = outbox.event(event_type.type, SOURCE, household_id, {**data, "household_id": household_id})
    if event_id:
        event["id"] = event_id
    return event, entry(event_type, event["data"], [household_id], event["time"])
