"""A program record's own event history: one short entry per change it published, readable
in both languages (rendered by the kit's ``programs/_history.html``)."""
from __future__ import annotations

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.envelope import utcnow_iso


def entry(event_type: EventType, data: dict, household_ids, time: str | None = None) -> dict:
    """The entry of a change of type ``event_type`` published to ``household_ids`` (one event
    each; none when, say, a station without members changes)."""
    return {"type": event_type.type, "time": time or utcnow_iso(),
            "title_en": event_type.title(data, "en"), "title_zh": event_type.title(data, "zh"),
            "household_ids": list(household_ids)}


def entry_of(events: list[dict]) -> dict:
    """The entry of a change that published ``events`` (outbox events of one type, as
    ``shared.outbox.event`` makes them, one per household concerned); titles from the first."""
    first = events[0]
    return entry(CATALOGUE.get(first["type"]), first["data"], sorted({e["subject"] for e in events}), first["time"])
