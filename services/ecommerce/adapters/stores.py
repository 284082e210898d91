"""Online stores. A store document carries the events of each change for every household it
concerns (its owner, or those a cooperative / enterprise commits to buy from): one atomic
write per change, however many households hear of it."""
from __future__ import annotations

from datetime import date

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.envelope import utcnow_iso
from shared.events.types.ecommerce import (COMMITMENT_ENDED, COMMITMENT_STARTED, STORE_CLOSED, STORE_OPENED,
                                           STORE_UPDATED)
from shared.programs.records import PUBLIC, scoped
from shared.store import WriteConflict
from services.ecommerce.adapters.common import NotFound, contains
from services.ecommerce.domain import records
from services.ecommerce.domain.stores import (CLOSED, EDITABLE, HOUSEHOLD, OPEN, commitment_changes, households_of,
                                              new_store_id, store_county)


def _event(event_type, household_id: str, by: str, data: dict) -> dict:
    return outbox.event(event_type.type, "ecommerce", household_id,
                        {"household_id": household_id, "recorded_by": by, **data})


def _history(events: list[dict]) -> list[dict]:
    """One history line per kind of event a change published, in the order published."""
    by_type: dict[str, list[dict]] = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(event)
    return [records.entry(group) for group in by_type.values()]


class StoreRepository:
    def __init__(self, db: Database):
        self.stores = db["stores"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.stores)
        self.stores.create_index([("county_code", ASCENDING), ("updated_at", DESCENDING)])
        self.stores.create_index([("household_id", ASCENDING)], sparse=True)
        self.stores.create_index([("committed_households", ASCENDING)])

    # --- writing ------------------------------------------------------------------------
    def open(self, fields: dict, by: str, head_name: str = "") -> dict:
        store = {"_id": new_store_id(), "kind": fields["kind"], "name": fields["name"],
                 "platform": fields["platform"], "url": fields.get("url", ""),
                 "owner_name": fields.get("owner_name") or head_name,
                 "household_id": fields.get("household_id") if fields["kind"] == HOUSEHOLD else None,
                 "committed_households": list(fields.get("committed_households") or []),
                 "county_code": store_county(fields), "opened_on": fields["opened_on"].isoformat(),
                 "status": OPEN, "recorded_by": by, "recorded_at": utcnow_iso(), "updated_at": utcnow_iso(),
                 "version": 1}
        if store["kind"] == HOUSEHOLD:
            events = [_event(STORE_OPENED, store["household_id"], by, {
                "store_id": store["_id"], "store_name": store["name"], "platform": store["platform"],
                "opened_on": store["opened_on"]})]
        else:
            events = [self._commitment(store, h, by) for h in store["committed_households"]]
        store["events"] = _history(events)
        outbox.insert(self.stores, store, *events)
        return self.get(store["_id"])

    @staticmethod
    def _commitment(store: dict, household_id: str, by: str, since: str | None = None) -> dict:
        return _event(COMMITMENT_STARTED, household_id, by, {
            "store_id": store["_id"], "store_name": store["name"], "kind": store["kind"],
            "owner_name": store["owner_name"], "platform": store["platform"],
            "since": since or store["opened_on"]})

    def update(self, store_id: str, fields: dict, by: str, version: int | None = None, reason: str = "",
               today: date | None = None) -> dict:
        """Change a store's details and, for a cooperative or enterprise store, the households
        it commits to buy from: those added hear of the commitment, those removed that it
        ended (with ``reason``), those staying that the details changed."""
        store = self.current(store_id)
        if version is not None and version != store.get("version"):
            raise WriteConflict(f"store {store_id} changed meanwhile; reload and try again")
        if store["status"] != OPEN:
            raise WriteConflict(f"store {store_id} is closed")
        names = EDITABLE if store["kind"] != HOUSEHOLD else tuple(n for n in EDITABLE if n != "committed_households")
        changed = records.changed_fields(store, fields, names)
        if not changed:
            return self.get(store_id)
        after = {**store, **changed}
        today = (today or date.today()).isoformat()
        added, removed = commitment_changes(store.get("committed_households") or [],
                                            after.get("committed_households") or [])
        details = sorted(k for k in changed if k != "committed_households")
        events = [self._commitment(after, h, by, since=today) for h in added]
        events += [_event(COMMITMENT_ENDED, h, by, {
            "store_id": store_id, "store_name": after["name"], "kind": store["kind"], "owner_name": after["owner_name"],
            "ended_on": today, "reason": reason or "no longer in the store's commitment"}) for h in removed]
        if details:
            staying = [h for h in households_of(after) if h not in added]
            events += [_event(STORE_UPDATED, h, by, {
                "store_id": store_id, "store_name": after["name"], "kind": store["kind"],
                "platform": after["platform"], "changed": details}) for h in staying]
        update = {"$set": {**changed, "updated_at": utcnow_iso(), "updated_by": by}, "$inc": {"version": 1}}
        if events:
            update["$push"] = {"events": {"$each": _history(events)}}
        result = outbox.update(self.stores, {"_id": store_id, "version": store.get("version")}, update, *events)
        if not result.matched_count:
            raise WriteConflict(f"store {store_id} changed meanwhile; reload and try again")
        return self.get(store_id)

    def close(self, store_id: str, closed_on: date, reason: str, by: str) -> dict:
        store = self.current(store_id)
        if store["status"] != OPEN:
            raise WriteConflict(f"store {store_id} is already closed")
        events = [_event(STORE_CLOSED, h, by, {"store_id": store_id, "store_name": store["name"],
                                                "kind": store["kind"], "closed_on": closed_on.isoformat(),
                                                "reason": reason}) for h in households_of(store)]
        update = {"$set": {"status": CLOSED, "closed_on": closed_on.isoformat(), "close_reason": reason,
                           "updated_at": utcnow_iso(), "updated_by": by},
                  "$inc": {"version": 1}, "$push": {"events": {"$each": _history(events)}}}
        result = outbox.update(self.stores, {"_id": store_id, "status": OPEN, "version": store.get("version")},
                               update, *events)
        if not result.matched_count:
            raise WriteConflict(f"store {store_id} changed meanwhile; reload and try again")
        return self.get(store_id)

    def current(self, store_id: str) -> dict:
        store = self.get(store_id)
        if store is None:
            raise NotFound(f"no store {store_id}")
        return store

    # --- reading ------------------------------------------------------------------------
    def get(self, store_id: str) -> dict | None:
        return self.stores.find_one({"_id": store_id}, PUBLIC)

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, county_code=filters.get("county"))
        for name in ("kind", "status", "platform"):
            if filters.get(name):
                query[name] = filters[name]
        if filters.get("household_id"):
            query["$or"] = [{"household_id": filters["household_id"]},
                            {"committed_households": filters["household_id"]}]
        if filters.get("q"):
            query["name"] = contains(filters["q"])
        cursor = self.stores.find(query, {"events": 0, **PUBLIC}).sort("updated_at", DESCENDING).skip(skip).limit(limit)
        return list(cursor), self.stores.count_documents(query)

    def open_for(self, household_id: str) -> list[dict]:
        """Open stores a sale of this household may name."""
        return list(self.stores.find({"status": OPEN, "$or": [{"household_id": household_id},
                                                              {"committed_households": household_id}]},
                                     {"name": 1, "kind": 1, "owner_name": 1}))
