"""The exit's public notice (公示) as anyone may read it (issue 18). Pure logic, no Flask.

A notice lists the households of a village (or a township) in public notice: the head's name
partly masked, never an ID number, and the day the notice ends. Anyone may lodge an objection
on it; the county sees it beside the exit steps and may send the exit back (``object``)."""
from __future__ import annotations

NOTICE_AREA_LENGTHS = (9, 12)        # a township's code, a village's
OBJECTIONS_PER_ADDRESS_PER_HOUR = 5  # lodging is open to all: a simple brake per client address


def mask_name(name: str) -> str:
    """张明 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明: the first and (from three characters) the
    last character kept, so neighbours recognise the household but a stranger learns little."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def is_notice_area(code: str) -> bool:
    return code.isdigit() and len(code) in NOTICE_AREA_LENGTHS


def notice_entry(household: dict) -> dict:
    """What the public page shows of one household: nothing more than this."""
    return {"household_id": household["_id"], "head_name": mask_name(household.get("head_name", "")),
            "members": len(household.get("members") or []), "township": household.get("township", ""),
            "village": household.get("village", ""),
            "notice_until": (household.get("exit") or {}).get("notice_until")}
