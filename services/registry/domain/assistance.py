"""What an accepted program event does to a household's file: pure functions."""
from __future__ import annotations

from shared.events.catalogue import EventType


def summary_increments(event_type: EventType, data: dict) -> dict:
    """The $inc a program event makes to the household summary (fen, counts)."""
    program = event_type.program
    income = event_type.income_fen(data)
    amount = event_type.amount_fen(data)
    return {
        "summary.events": 1,
        "summary.total_income_fen": income,
        "summary.total_amount_fen": amount,
        f"summary.programs.{program}.events": 1,
        f"summary.programs.{program}.income_fen": income,
        f"summary.programs.{program}.amount_fen": amount,
    }


def timeline_entry(envelope, event_type: EventType) -> dict:
    """A history entry readable by people, in both languages, keyed by the event id."""
    data = envelope.data
    return {
        "_id": envelope.id,
        "household_id": envelope.subject,
        "event_type": envelope.type,
        "program": event_type.program,
        "source": envelope.source,
        "occurred_at": envelope.time,
        "recorded_by": data.get("recorded_by", ""),
        "title_en": event_type.title(data, "en"),
        "title_zh": event_type.title(data, "zh"),
        "income_fen": event_type.income_fen(data),
        "amount_fen": event_type.amount_fen(data),
        "data": data,
    }
