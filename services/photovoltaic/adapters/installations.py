"""Installations store: one document per rooftop system or village station, carrying its
members, posts, history and pending events. Every change is one guarded write (``rev``)."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.types import photovoltaic as ev
from shared.programs.refused import Refused
from shared.programs.records import id_or_name, PUBLIC, scoped
from services.photovoltaic.adapters.common import fan_out
from services.photovoltaic.domain.installations import households_of, new_installation_id


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _about(doc: dict) -> dict:
    return {"installation_id": doc["_id"], "installation_name": doc["name"], "kind": doc["kind"]}


class InstallationRepository:
    def __init__(self, db: Database):
        self.installations = db["installations"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.installations)
        self.installations.create_index([("county_code", ASCENDING), ("name", ASCENDING)])
        self.installations.create_index([("household_ids", ASCENDING)])

    # --- reading ------------------------------------------------------------------------------
    def get(self, installation_id: str) -> dict | None:
        return self.installations.find_one({"_id": installation_id}, PUBLIC)

    def require(self, installation_id: str) -> dict:
        doc = self.get(installation_id)
        if doc is None:
            raise Refused(f"no installation {installation_id}", "installation_id", 404)
        return doc

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, kind=filters.get("kind"), county_code=filters.get("county_code"),
                       household_ids=filters.get("household_id"))
        if filters.get("q"):
            query.update(id_or_name(filters["q"]))
        if "ids" in filters:
            query["_id"] = {"$in" if filters.get("ids_in", True) else "$nin": filters["ids"]}
        cursor = self.installations.find(query, PUBLIC).sort("created_at", DESCENDING).skip(skip).limit(limit)
        return list(cursor), self.installations.count_documents(query)

    # --- writing ------------------------------------------------------------------------------
    def create(self, fields: dict, by: str) -> dict:
        now = _now()
        doc = {"_id": new_installation_id(), "kind": fields["kind"], "name": fields["name"],
               "capacity_kw": fields["capacity_kw"], "commissioned_on": fields["commissioned_on"].isoformat(),
               "village_code": fields["village_code"], "county_code": fields["village_code"][:6],
               "household_id": fields.get("household_id"), "members": [], "posts": [],
               "created_at": now, "created_by": by, "updated_at": now, "updated_by": by, "rev": 1}
        doc["household_ids"] = households_of(doc)
        data = {**_about(doc), "recorded_by": by, "capacity_kw": doc["capacity_kw"],
                "commissioned_on": doc["commissioned_on"], "village_code": doc["village_code"]}
        events, history = fan_out(ev.INSTALLATION_REGISTERED, data, doc["household_ids"])
        outbox.insert(self.installations, {**doc, "events": [history]}, *events)
        return self.get(doc["_id"])

    def change(self, doc: dict, sets: dict, event_type, data: dict, by: str, household_ids: list[str] | None = None) -> dict:
        """Apply ``sets`` to the installation read as ``doc`` and publish ``event_type`` to the
        households concerned (after the change, unless given), in one write guarded by ``rev``."""
        after = {**doc, **sets}
        recipients = households_of(after) if household_ids is None else household_ids
        events, history = fan_out(event_type, {**_about(after), "recorded_by": by, **data}, recipients)
        update = {"$set": {**sets, "household_ids": households_of(after), "updated_at": _now(), "updated_by": by},
                  "$inc": {"rev": 1}, "$push": {"events": history}}
        result = outbox.update(self.installations, {"_id": doc["_id"], "rev": doc["rev"]}, update, *events)
        if not result.matched_count:
            raise Refused("The installation changed meanwhile; reload and try again.")
        return self.get(doc["_id"])
