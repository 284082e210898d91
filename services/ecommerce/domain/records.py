"""What every e-commerce record shares: which fields a correction changes, and the record's
own history (``events``: {type, time, title_en, title_zh, households}) written in the same
atomic write as the change. Pure, no framework."""
from __future__ import annotations

from datetime import date

from shared.programs.history import entry_of
from shared.events.envelope import utcnow_iso

# Changes that publish nothing (no household concerned): their own titles.
LOCAL_TITLES = {
    "station.opened": ("Service station opened: {name}", "设立服务站：{name}"),
    "station.updated": ("Service station details updated: {changed}", "服务站信息更新：{changed}"),
    "training.scheduled": ("Training session recorded: {topic} ({held_on})", "登记培训：{topic}（{held_on}）"),
    "training.updated": ("Training session updated: {changed}", "培训信息更新：{changed}"),
}


def changed_fields(record: dict, fields: dict, names: tuple[str, ...]) -> dict:
    """The named fields whose value differs from the record's (dates compared as ISO text)."""
    changed = {}
    for name in names:
        if name not in fields:
            continue
        new = fields[name].isoformat() if isinstance(fields[name], date) else fields[name]
        if new != record.get(name):
            changed[name] = new
    return changed


def entry(events: list[dict]) -> dict:
    """The kit's history entry of a change that published ``events``, its households under
    ``households``: the name e-commerce's API has always given them."""
    line = entry_of(events)
    line["households"] = line.pop("household_ids")
    return line


def local_entry(kind: str, values: dict) -> dict:
    """One history line for a change that publishes nothing."""
    en, zh = LOCAL_TITLES[kind]
    shown = {k: (", ".join(v) if isinstance(v, (list, tuple)) else v) for k, v in values.items()}
    return {"type": kind, "time": utcnow_iso(), "title_en": en.format_map(_Blank(shown)),
            "title_zh": zh.format_map(_Blank(shown)), "households": []}


class _Blank(dict):
    def __missing__(self, key):
        return "?"
