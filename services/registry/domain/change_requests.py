"""Change requests to household files: the kinds, their workflow and what each does to a
file. Pure logic: the adapter stores requests and applies the result atomically.

Workflow: proposed → approved (then applied) | rejected. A village cadre or county
operator proposes; a county operator (acting for township or county) approves."""
from __future__ import annotations

import copy
import secrets

from shared.messages import N_, Code, Message

KINDS = ("edit_fields", "edit_member", "add_member", "remove_member", "transfer_member",
         "split", "change_head", "move_area", "remove_household")
EDITABLE_FIELDS = ("main_cause", "secondary_causes", "income_per_capita_fen", "guarantees", "cadre")
MEMBER_FIELDS = ("name", "relation", "sex", "birth_year", "health", "education", "labour", "schooling")
DECISIONS = {"proposed": ("approve", "reject")}


class ChangeRefused(ValueError):
    """The change cannot be applied to this file; ``said``, the Message made of ``code``,
    ``text`` and ``params``, says why (its English is the exception's message)."""

    def __init__(self, code: str, text: str, params: dict | None = None):
        self.said = Message(code, text, params or {})
        super().__init__(str(self.said))


def new_member_id() -> str:
    return "M" + secrets.token_hex(6).upper()


def decide(status: str, decision: str) -> str:
    if decision not in DECISIONS.get(status, ()):
        raise ChangeRefused("not_decidable", N_("a change request that is %(status)s cannot be '%(decision)s'd"),
                            {"status": Code(status), "decision": Code(decision)})
    return "approved" if decision == "approve" else "rejected"


def _member(file: dict, member_id: str) -> dict:
    for member in file["members"]:
        if member["member_id"] == member_id:
            return member
    raise ChangeRefused("no_member", N_("no member %(member)s in household %(household)s"),
                        {"member": member_id, "household": file["_id"]})


def _diff(before: dict, after: dict, keys) -> list[dict]:
    return [{"field": k, "old": before.get(k), "new": after.get(k)} for k in keys if before.get(k) != after.get(k)]


def apply(file: dict, kind: str, payload: dict) -> tuple[dict, list[dict]]:
    """The file after the change, and the list of {field, old, new} it made.

    For transfer_member and split, this is the source household's side; see
    ``receiving_side`` for the other."""
    if file.get("status") == "removed":
        raise ChangeRefused("removed", N_("the household was removed; its file can no longer change"))
    after = copy.deepcopy(file)
    if kind == "edit_fields":
        fields = {k: v for k, v in payload["fields"].items() if k in EDITABLE_FIELDS}
        after.update(fields)
        return after, _diff(file, after, fields)
    if kind == "edit_member":
        member = _member(after, payload["member_id"])
        before = dict(member)
        member.update({k: v for k, v in payload["fields"].items() if k in MEMBER_FIELDS})
        return after, [{**c, "field": f"members.{payload['member_id']}.{c['field']}"}
                       for c in _diff(before, member, MEMBER_FIELDS)]
    if kind == "add_member":
        member = {**payload["member"], "member_id": payload["member"].get("member_id") or new_member_id()}
        after["members"].append(member)
        return after, [{"field": "members", "old": None, "new": member["name"]}]
    if kind in ("remove_member", "transfer_member"):
        member = _member(after, payload["member_id"])
        if member["member_id"] == after["head_member_id"]:
            raise ChangeRefused("head_leaving", N_("the head cannot leave: change the head first"))
        after["members"] = [m for m in after["members"] if m["member_id"] != member["member_id"]]
        where = payload.get("to_household_id")
        return after, [{"field": "members", "old": member["name"], "new": where}]
    if kind == "split":
        ids = set(payload["member_ids"])
        if after["head_member_id"] in ids:
            raise ChangeRefused("head_leaving", N_("the head stays in the original household"))
        if not ids <= {m["member_id"] for m in after["members"]}:
            raise ChangeRefused("no_member", N_("every member to split off must belong to this household"))
        leaving = [m["name"] for m in after["members"] if m["member_id"] in ids]
        after["members"] = [m for m in after["members"] if m["member_id"] not in ids]
        return after, [{"field": "members", "old": ", ".join(leaving), "new": payload.get("new_household_id")}]
    if kind == "change_head":
        new_head = _member(after, payload["member_id"])
        old_head = _member(after, after["head_member_id"])
        after["head_member_id"] = new_head["member_id"]
        after["head_name"] = new_head["name"]
        old_head["relation"], new_head["relation"] = payload.get("old_head_relation", "other"), "head"
        return after, [{"field": "head_name", "old": old_head["name"], "new": new_head["name"]}]
    if kind == "move_area":
        keys = ("village_code", "township", "village", "county_code", "area")
        after.update({k: payload[k] for k in keys if k in payload})
        return after, _diff(file, after, ("village_code", "township", "village"))
    if kind == "remove_household":
        after["status"] = "removed"
        after["removed_reason"] = payload["reason"]
        return after, [{"field": "status", "old": file["status"], "new": "removed"}]
    raise ChangeRefused("unknown_kind", N_("unknown kind of change: %(kind)s"), {"kind": kind})


def receiving_side(target: dict, members: list[dict]) -> tuple[dict, list[dict]]:
    """The receiving household after a transfer brings ``members`` into it."""
    if target.get("status") == "removed":
        raise ChangeRefused("removed", N_("cannot transfer a member into a removed household"))
    after = copy.deepcopy(target)
    moved = [{**m, "relation": "other" if m["relation"] == "head" else m["relation"]} for m in members]
    after["members"].extend(moved)
    return after, [{"field": "members", "old": None, "new": ", ".join(m["name"] for m in moved)}]


def split_household(source: dict, member_ids: list[str], new_head_member_id: str) -> dict:
    """The new household's fields (no id yet) for a split."""
    members = [copy.deepcopy(m) for m in source["members"] if m["member_id"] in set(member_ids)]
    if new_head_member_id not in {m["member_id"] for m in members}:
        raise ChangeRefused("new_head_not_split_off", N_("the new head must be one of the members split off"))
    for m in members:
        m["relation"] = "head" if m["member_id"] == new_head_member_id else m["relation"]
    head = next(m for m in members if m["member_id"] == new_head_member_id)
    keep = ("county_code", "village_code", "township", "village", "area", "main_cause", "secondary_causes",
            "income_per_capita_fen", "guarantees", "cadre")
    return {**{k: copy.deepcopy(source.get(k)) for k in keep}, "members": members,
            "head_member_id": head["member_id"], "head_name": head["name"]}
