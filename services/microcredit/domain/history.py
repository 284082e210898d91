"""A record's own event history: what each change published, readable in both languages."""
from __future__ import annotations

from shared.events.catalogue import EventType
from shared.events.envelope import utcnow_iso


def entry(event_type: EventType, data: dict, household_ids: list[str], time: str | None = None) -> dict:
    """One history entry for a change, published to ``household_ids`` (one event each;
    none when a station without members changes)."""
    return {"type": event_type.type, "time": time or utcnow_iso(),
            "title_en": event_type.title(data, "en"), "title_zh": event_type.title(data, "zh"),
            "household_ids": list(household_ids)}
