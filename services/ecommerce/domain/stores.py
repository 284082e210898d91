"""Online stores: opened by a poor household, or by a cooperative / enterprise that commits
to buy from named poor households (带贫企业). Pure rules, no framework."""
from __future__ import annotations

import uuid

from shared.events.types.ecommerce import PLATFORMS, STORE_KINDS  # noqa: F401  (one list each)
from shared.household_ids import county_of
from shared.messages import N_
from shared.validation_messages import templated

# Problems said on the pages in the reader's language (shared/validation_messages.py).
AT_MOST_COMMITTED = templated(N_("At most %(n)s households per store."))
NOT_IN_COUNTY = templated(N_("Not in county %(county)s: %(households)s."))

OPEN, CLOSED = "open", "closed"
STORE_STATUSES = (OPEN, CLOSED)
HOUSEHOLD = "household"
MAX_COMMITTED = 200   # one document holds the list; a larger buyer opens several stores
EDITABLE = ("name", "platform", "url", "owner_name", "committed_households")


def new_store_id() -> str:
    return "T" + uuid.uuid4().hex[:16].upper()


def check_store(fields: dict) -> dict:
    """Field errors of a store's shape. A household's store belongs to that household and
    names no one else; a cooperative or enterprise store names its county and at least one
    household of that county it commits to buy from (so a county-scoped operator manages
    the whole store)."""
    errors: dict = {}
    kind = fields.get("kind")
    committed = fields.get("committed_households") or []
    if kind == HOUSEHOLD:
        if not fields.get("household_id"):
            errors["household_id"] = [N_("A household's store names the household.")]
        if committed:
            errors["committed_households"] = [N_("Only a cooperative or enterprise store commits to buy from households.")]
        return errors
    if fields.get("household_id"):
        errors["household_id"] = [N_("A cooperative or enterprise store names the households it buys from instead.")]
    if not fields.get("owner_name"):
        errors["owner_name"] = [N_("Name the cooperative or enterprise.")]
    county = fields.get("county_code")
    if not county:
        errors["county_code"] = [N_("Give the county where the cooperative or enterprise buys.")]
    if not committed:
        errors["committed_households"] = [N_("Name at least one household it commits to buy from.")]
    elif len(set(committed)) != len(committed):
        errors["committed_households"] = [N_("A household is named twice.")]
    elif len(committed) > MAX_COMMITTED:
        errors["committed_households"] = [AT_MOST_COMMITTED % {"n": MAX_COMMITTED}]
    elif county and any(county_of(h) != county for h in committed):
        outside = [h for h in committed if county_of(h) != county]
        errors["committed_households"] = [NOT_IN_COUNTY % {"county": county, "households": ", ".join(outside)}]
    return errors


def store_county(fields: dict) -> str:
    return county_of(fields["household_id"]) if fields.get("kind") == HOUSEHOLD else fields["county_code"]


def households_of(store: dict) -> list[str]:
    """The households a store's events concern: its owner, or those it buys from."""
    if store["kind"] == HOUSEHOLD:
        return [store["household_id"]]
    return list(store.get("committed_households") or [])


def commitment_changes(before: list[str], after: list[str]) -> tuple[list[str], list[str]]:
    """(added, removed) households, in the order given."""
    old, new = set(before), set(after)
    return [h for h in after if h not in old], [h for h in before if h not in new]


def sale_store_problem(store: dict | None, household_id: str, channel: str) -> dict:
    """Field errors when a sale names a store it cannot belong to."""
    if store is None:
        return {"store_id": ["No such store."]}
    if store["status"] != OPEN:
        return {"store_id": ["The store is closed."]}
    if household_id not in households_of(store):
        return {"store_id": ["The household neither owns this store nor is among those it buys from."]}
    if store["kind"] == HOUSEHOLD and channel == "enterprise_purchase":
        return {"channel": ["A household's own store sells through its own store or a partner platform."]}
    if store["kind"] != HOUSEHOLD and channel != "enterprise_purchase":
        return {"channel": ["A cooperative or enterprise store buys from the household: channel enterprise_purchase."]}
    return {}
