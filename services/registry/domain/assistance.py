"""What an accepted event does to a household's file and history: pure functions."""
from __future__ import annotations

from shared.events.catalogue import EventType


def summary_update(event_type: EventType, data: dict) -> dict:
    """The $inc / $set an event makes to the household summary (fen, counts, status)."""
    program = event_type.program
    income = event_type.income_fen(data)
    amount = event_type.amount_fen(data)
    inc = {
        "summary.events": 1,
        "summary.total_income_fen": income,
        "summary.total_amount_fen": amount,
        f"summary.programs.{program}.events": 1,
        f"summary.programs.{program}.income_fen": income,
        f"summary.programs.{program}.amount_fen": amount,
    }
    for summary_field, data_field, sign in event_type.summary_inc:
        inc[f"summary.{summary_field}"] = sign * int(data.get(data_field) or 0)
    update = {"$inc": inc}
    sets = {f"summary.{field}": value for field, value in event_type.summary_set}
    if event_type.enrolment_status:
        sets[f"summary.programs.{program}.status"] = event_type.enrolment_status
    if sets:
        update["$set"] = sets
    return update


def summary_after(summary: dict, update: dict) -> dict:
    """The summary as it will be after ``update`` (for the enriched stream event)."""
    after = {**summary, "programs": {p: dict(v) for p, v in summary.get("programs", {}).items()}}
    for path, value in update.get("$inc", {}).items():
        _put(after, path.split(".")[1:], value, add=True)
    for path, value in update.get("$set", {}).items():
        _put(after, path.split(".")[1:], value, add=False)
    return after


def _put(target: dict, keys: list[str], value, add: bool) -> None:
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = (target.get(keys[-1]) or 0) + value if add else value


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
        "data": {k: v for k, v in data.items() if k != "file"},
    }


def status_counts(before: dict | None, after: dict | None) -> list[tuple[str, dict]]:
    """Per-village changes of households and people by status, from a file change."""
    changes = []
    if before:
        changes.append((before["village_code"], {f"households.{before['status']}": -1,
                                                 f"people.{before['status']}": -before["people"]}))
    if after:
        changes.append((after["village_code"], {f"households.{after['status']}": 1,
                                                f"people.{after['status']}": after["people"]}))
    return changes


def serious_illness_risk(data: dict) -> str | None:
    """A member of an exited household became seriously ill: a return-to-poverty risk."""
    if data.get("after", {}).get("status") != "exited" or data.get("kind") not in ("edit_member", "add_member"):
        return None
    file = data.get("file", {})
    ill = any(c.get("new") == "serious_illness" and str(c.get("field", "")).endswith(".health")
              for c in data.get("changes", []))
    added_ill = data.get("kind") == "add_member" and any(m.get("health") == "serious_illness"
                                                         for m in file.get("members", [])[-1:])
    return "serious_illness" if ill or added_ill else None


def file_counter(data: dict) -> str | None:
    """Which registry counter a file event moves: a new file, an exit, a return to poverty."""
    if data.get("before") is None:
        return "identified"
    moves = {"exited": "exits", "returned": "returns"}
    return moves.get(data["after"]["status"]) if data.get("to_status") else None
