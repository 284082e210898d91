"""What a record keeps of its own events: a short entry per event, in both languages."""
from __future__ import annotations

from shared.events.catalogue import CATALOGUE


def entry(event: dict) -> dict:
    """{type, time, title_en, title_zh} of an outbox event (as ``shared.outbox.event`` made it)."""
    event_type = CATALOGUE.get(event["type"])
    return {"type": event["type"], "time": event["time"], "title_en": event_type.title(event["data"], "en"),
            "title_zh": event_type.title(event["data"], "zh")}
