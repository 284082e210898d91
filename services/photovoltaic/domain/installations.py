"""Installations (rooftop systems and village stations), their members and public-welfare
posts: pure rules over plain dicts."""
from __future__ import annotations

import uuid
from datetime import date

from shared.programs.refused import Refused
from services.photovoltaic.domain.months import days_in, first_day, last_day

ROOFTOP, STATION = "rooftop", "station"
EDITABLE = ("name", "capacity_kw", "commissioned_on", "village_code")


def new_installation_id() -> str:
    return "PV" + uuid.uuid4().hex[:10].upper()


def new_post_id() -> str:
    return "P" + uuid.uuid4().hex[:10].upper()


def check_new(fields: dict) -> None:
    """A rooftop system belongs to one household of its village's county; a station to none
    (households join it with shares)."""
    if fields["kind"] == ROOFTOP:
        owner = fields.get("household_id")
        if not owner:
            raise Refused("A rooftop system needs the household that owns it.", "household_id", 422)
        check_same_county(owner, fields["village_code"])
    elif fields.get("household_id"):
        raise Refused("A village station has no single owner; households join it with shares.", "household_id", 422)


def check_same_county(household_id: str, village_code: str, field: str = "household_id") -> None:
    if household_id[1:7] != village_code[:6]:
        raise Refused(f"household {household_id} is not in county {village_code[:6]} of this installation", field, 422)


def households_of(installation: dict) -> list[str]:
    """Who a change to this installation concerns: the owner, or the station's members."""
    if installation["kind"] == ROOFTOP:
        return [installation["household_id"]]
    return [m["household_id"] for m in installation.get("members", [])]


def changes(installation: dict, fields: dict) -> list[dict]:
    """What an edit changes, as {field, old, new} strings (for the event and the history)."""
    out = []
    for name in EDITABLE:
        if name in fields and _text(fields[name]) != _text(installation.get(name)):
            out.append({"field": name, "old": _text(installation.get(name)), "new": _text(fields[name])})
    return out


def check_edit(installation: dict, fields: dict) -> None:
    if "village_code" in fields and fields["village_code"][:6] != installation["county_code"]:
        raise Refused("An installation cannot move to another county; register it there instead.", "village_code", 422)


def max_kwh(capacity_kw: float, month: str) -> int:
    """What the installation could generate running at full capacity all month."""
    return int(capacity_kw * 24 * days_in(month))


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --- members of a station --------------------------------------------------------------------
def station_only(installation: dict) -> None:
    if installation["kind"] != STATION:
        raise Refused("Only a village station has members and public-welfare posts.", None, 409)


def member(installation: dict, household_id: str) -> dict | None:
    return next((m for m in installation.get("members", []) if m["household_id"] == household_id), None)


def with_member(installation: dict, new: dict) -> list[dict]:
    station_only(installation)
    if member(installation, new["household_id"]):
        raise Refused(f"household {new['household_id']} is already a member of this station", "household_id")
    return [*installation.get("members", []), new]


def with_shares(installation: dict, household_id: str, shares: int) -> tuple[list[dict], int]:
    """The members with new shares for one, and its old shares."""
    current = member(installation, household_id)
    if current is None:
        raise Refused(f"household {household_id} is not a member of this station", "household_id", 404)
    if current["shares"] == shares:
        raise Refused(f"household {household_id} already holds {shares} shares", "shares")
    return [{**m, "shares": shares} if m["household_id"] == household_id else m
            for m in installation["members"]], current["shares"]


def without_member(installation: dict, household_id: str) -> list[dict]:
    if member(installation, household_id) is None:
        raise Refused(f"household {household_id} is not a member of this station", "household_id", 404)
    return [m for m in installation["members"] if m["household_id"] != household_id]


# --- public-welfare posts (公益岗位) -----------------------------------------------------------
def post(installation: dict, post_id: str) -> dict | None:
    return next((p for p in installation.get("posts", []) if p["post_id"] == post_id), None)


def with_post(installation: dict, new: dict) -> list[dict]:
    station_only(installation)
    for p in installation.get("posts", []):
        if p["active"] and p["household_id"] == new["household_id"] and p["member_name"] == new["member_name"] \
                and p["post"] == new["post"]:
            raise Refused(f"{new['member_name']} already holds the post {new['post']} here", "post")
    return [*installation.get("posts", []), new]


def with_post_ended(installation: dict, post_id: str, ended_on: date, reason: str) -> tuple[list[dict], dict]:
    current = post(installation, post_id)
    if current is None:
        raise Refused(f"no post {post_id} at this station", None, 404)
    if not current["active"]:
        raise Refused(f"the post {post_id} has already ended", None)
    if ended_on.isoformat() < current["since"]:
        raise Refused("A post cannot end before it started.", "ended_on", 422)
    ended = {**current, "active": False, "ended_on": ended_on.isoformat(), "end_reason": reason}
    return [ended if p["post_id"] == post_id else p for p in installation["posts"]], ended


def posts_paid_for(installation: dict, month: str) -> list[dict]:
    """Posts held during some of the month: started by its end, not ended before its start."""
    start, end = first_day(month).isoformat(), last_day(month).isoformat()
    return [p for p in installation.get("posts", [])
            if p["since"] <= end and (p["active"] or (p.get("ended_on") or "") >= start)]
