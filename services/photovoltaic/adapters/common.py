"""What every photovoltaic repository shares: the source name, and a change published to its households with its history entry, in one write."""
from __future__ import annotations

from shared import outbox
from shared.events.catalogue import EventType
from shared.programs.history import entry

SOURCE = "photovoltaic"


def fan_out(event_type: EventType, data: dict, household_ids: list[str]) -> tuple[list[dict], dict]:
    """The events of one change, one per household it concerns, and its history entry."""
    events = [outbox.event(event_type.type, SOURCE, hid, {**data, "household_id": hid}) for hid in household_ids]
    title_data = {**data, "household_id": household_ids[0] if household_ids else ""}
    return events, entry(event_type, title_data, household_ids, events[0]["time"] if events else None)
