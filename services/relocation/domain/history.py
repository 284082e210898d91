"""A record's own event history: what each change published, readable in both languages."""
from __future__ import annotations

from shared.events.catalogue import EventType


def entry(event_type: EventType, data: dict, time: str) -> dict:
    return {"type": event_type.type, "time": time, "title_en": event_type.title(data, "en"),
            "title_zh": event_type.title(data, "zh"), "household_ids": [data["household_id"]]}
