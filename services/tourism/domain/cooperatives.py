"""Cooperative membership: who holds how many shares."""
from __future__ import annotations

from shared.household_ids import county_of


def member_of(cooperative: dict, household_id: str) -> dict | None:
    return next((m for m in cooperative.get("members", []) if m["household_id"] == household_id), None)


def join_problem(cooperative: dict, household_id: str) -> dict:
    """A village cooperative takes households of its own county, each once."""
    if county_of(household_id) != cooperative["county_code"]:
        return {"household_id": [f"household {household_id} is not in county {cooperative['county_code']} "
                                 f"of the cooperative"]}
    if member_of(cooperative, household_id):
        return {"household_id": [f"household {household_id} is already a member"]}
    return {}


def with_member(members: list[dict], household_id: str, member: dict | None) -> list[dict]:
    """The member list, in household id order, with ``member`` in the place of the
    household's entry (None: the household leaves)."""
    kept = [dict(m) for m in members if m["household_id"] != household_id]
    if member is not None:
        kept.append({**member, "household_id": household_id})
    return sorted(kept, key=lambda m: m["household_id"])


def total_shares(members: list[dict]) -> int:
    return sum(m["shares"] for m in members)
