"""What a partner receives of a stream event: a whitelist, never the whole event.

Kept: the event's identity and time, the household id (a registry code, not a person's ID
number), its county and village codes, the program, the money fields, and from ``data`` only
fields whose names say they are codes, ids of records, dates, quantities or money. Dropped
always: ID numbers, names, phone numbers, addresses, members, the household file, free
text (notes, reasons, titles built from them) and who recorded it. A program that needs a
name sent to its partners lists that field in ``NAMES_REQUIRED`` (none does today)."""
from __future__ import annotations

from shared.events.envelope import utcnow_iso
from services.webhooks.domain.matching import short_type

DATA_FIELDS = frozenset({
    "product", "quantity", "unit", "channel", "platform", "kind", "partner", "partner_ref", "status",
    "fully_refunded", "guests", "nights", "month", "kwh", "tariff_fen_per_kwh", "shares", "period",
    "attendees", "term_months", "rate", "risk", "step", "from_status", "to_status", "version",
})
DATA_SUFFIXES = ("_id", "_fen", "_on", "_month")
NEVER = ("name", "id_number", "phone", "address", "member", "file", "note", "reason", "recorded_by",
         "changes", "before", "after", "title")
NAMES_REQUIRED: dict[str, frozenset] = {}


def _allowed(program: str, key: str) -> bool:
    if key in NAMES_REQUIRED.get(program, ()):
        return True
    if any(word in key for word in NEVER):
        return False
    return key in DATA_FIELDS or key.endswith(DATA_SUFFIXES)


def _plain(value) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def partner_payload(event: dict) -> dict:
    """``event``: the data of a consolidated-stream event (registry.assistance.recorded)."""
    program = event["program"]
    data = {k: v for k, v in (event.get("data") or {}).items() if _allowed(program, k) and _plain(v)}
    return {
        "type": short_type(event["event_type"]),
        "event_type": event["event_type"],
        "event_id": event["event_id"],
        "occurred_at": event["occurred_at"],
        "program": program,
        "household_id": event["household_id"],
        "county_code": event["county_code"],
        "village_code": event["village_code"],
        "income_fen": event["income_fen"],
        "amount_fen": event["amount_fen"],
        "data": data,
    }


def test_payload(endpoint_id: str) -> dict:
    return {"type": "webhooks.test", "event_type": "cn.jingzhun.webhooks.test.v1", "endpoint_id": endpoint_id,
            "occurred_at": utcnow_iso(), "data": {"message": "A test event from Jingzhun."}}
