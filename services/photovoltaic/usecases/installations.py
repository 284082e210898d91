"""Commands on installations, members and posts, shared by the API and the pages: who may,
which rules hold, then one write."""
from __future__ import annotations

from datetime import date

from shared.auth.roles import WRITE
from shared.auth.web import authorize
from shared.events.types import photovoltaic as ev
from shared.programs.refused import Refused
from services.photovoltaic.domain import installations as rules
from services.photovoltaic.usecases.context import ext, require_enrolled


def repo():
    return ext("installations")


def create(fields: dict) -> dict:
    principal = authorize(WRITE, county=fields["village_code"][:6])
    if fields["commissioned_on"] > date.today():
        raise Refused("The commissioning date cannot be in the future.", "commissioned_on", 422)
    rules.check_new(fields)
    if fields["kind"] == rules.ROOFTOP:
        require_enrolled(fields["household_id"])
    return repo().create(fields, principal.username)


def edit(installation_id: str, fields: dict) -> dict:
    doc = repo().require(installation_id)
    principal = authorize(WRITE, county=doc["county_code"])
    if fields.get("commissioned_on") and fields["commissioned_on"] > date.today():
        raise Refused("The commissioning date cannot be in the future.", "commissioned_on", 422)
    rules.check_edit(doc, fields)
    changes = rules.changes(doc, fields)
    if not changes:
        raise Refused("Nothing changed.", None, 422)
    sets = {c["field"]: fields[c["field"]] for c in changes}
    if "commissioned_on" in sets:
        sets["commissioned_on"] = sets["commissioned_on"].isoformat()
    return repo().change(doc, sets, ev.INSTALLATION_UPDATED, {"changes": changes}, principal.username)


def join(installation_id: str, household_id: str, shares: int, joined_on: date) -> dict:
    doc = repo().require(installation_id)
    principal = authorize(WRITE, county=doc["county_code"])
    rules.station_only(doc)
    rules.check_same_county(household_id, doc["village_code"])
    household = require_enrolled(household_id)
    members = rules.with_member(doc, {"household_id": household_id, "head_name": household.get("head_name", ""),
                                      "shares": shares, "joined_on": joined_on.isoformat()})
    return repo().change(doc, {"members": members}, ev.JOINED, {"shares": shares, "joined_on": joined_on.isoformat()},
                         principal.username, [household_id])


def set_shares(installation_id: str, household_id: str, shares: int) -> dict:
    doc = repo().require(installation_id)
    principal = authorize(WRITE, county=doc["county_code"])
    members, old = rules.with_shares(doc, household_id, shares)
    return repo().change(doc, {"members": members}, ev.SHARES_CHANGED, {"old_shares": old, "shares": shares},
                         principal.username, [household_id])


def leave(installation_id: str, household_id: str, reason: str, left_on: date) -> dict:
    doc = repo().require(installation_id)
    principal = authorize(WRITE, county=doc["county_code"])
    members = rules.without_member(doc, household_id)
    return repo().change(doc, {"members": members}, ev.LEFT, {"reason": reason, "left_on": left_on.isoformat()},
                         principal.username, [household_id])


def assign_post(installation_id: str, fields: dict) -> dict:
    doc = repo().require(installation_id)
    principal = authorize(WRITE, county=doc["county_code"])
    rules.station_only(doc)
    rules.check_same_county(fields["household_id"], doc["village_code"])
    require_enrolled(fields["household_id"])
    new = {"post_id": rules.new_post_id(), "post": fields["post"], "household_id": fields["household_id"],
           "member_name": fields["member_name"], "monthly_wage_fen": fields["monthly_wage_fen"],
           "since": fields["since"].isoformat(), "active": True}
    posts = rules.with_post(doc, new)
    data = {k: new[k] for k in ("post_id", "post", "member_name", "monthly_wage_fen", "since")}
    return repo().change(doc, {"posts": posts}, ev.POST_ASSIGNED, data, principal.username, [new["household_id"]])


def end_post(installation_id: str, post_id: str, reason: str, ended_on: date) -> dict:
    doc = repo().require(installation_id)
    principal = authorize(WRITE, county=doc["county_code"])
    posts, ended = rules.with_post_ended(doc, post_id, ended_on, reason)
    data = {k: ended[k] for k in ("post_id", "post", "member_name", "monthly_wage_fen")}
    return repo().change(doc, {"posts": posts}, ev.POST_ENDED, {**data, "ended_on": ended_on.isoformat(), "reason": reason},
                         principal.username, [ended["household_id"]])


def with_status(items: list[dict]) -> list[dict]:
    """Each installation with ``status`` (operating / down) and ``down_since`` from its open fault."""
    open_faults = ext("faults").open_for([i["_id"] for i in items])
    return [{**i, "status": "down" if i["_id"] in open_faults else "operating",
             "down_since": open_faults.get(i["_id"], {}).get("down_since"),
             "open_fault_id": open_faults.get(i["_id"], {}).get("_id")} for i in items]


def search(scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
    filters = dict(filters)
    if filters.get("status"):
        filters["ids"] = ext("faults").open_installation_ids(scope)
        filters["ids_in"] = filters["status"] == "down"
    items, total = repo().list(scope, filters, skip, limit)
    return with_status(items), total
