"""Homestays: registered for a household, edited, inspected; each change with its event."""
from __future__ import annotations

from datetime import date

from pymongo import ASCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.types import tourism as ev
from shared.programs.records import PUBLIC, scoped
from services.tourism.adapters import records
from services.tourism.domain.ids import new_homestay_id

from shared.messages import N_

# The note of the inspection a homestay is registered with (pages show it translated).
AT_REGISTRATION = N_("at registration")

EDITABLE = ("name", "kind", "rooms", "beds")


class HomestayRepository:
    def __init__(self, db: Database):
        self.homestays = db["homestays"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.homestays)
        self.homestays.create_index([("household_id", ASCENDING)])
        self.homestays.create_index([("county_code", ASCENDING)])

    @staticmethod
    def _data(doc: dict, by: str) -> dict:
        return {"household_id": doc["household_id"], "recorded_by": by, "homestay_id": doc["_id"],
                **{k: doc[k] for k in EDITABLE}, "safety_inspected_on": doc.get("safety_inspected_on")}

    def register(self, fields: dict, household: dict, by: str) -> dict:
        inspected = fields.get("safety_inspected_on")
        doc = {"_id": new_homestay_id(), "household_id": fields["household_id"],
               "county_code": household["county_code"], "village": household.get("village", ""),
               "head_name": household.get("head_name", ""), **{k: fields[k] for k in EDITABLE},
               "safety_inspected_on": inspected.isoformat() if inspected else None,
               "inspections": [{"seq": 1, "inspected_on": inspected.isoformat(), "result": "passed",
                                "note": AT_REGISTRATION, "by": by}] if inspected else [],
               "version": 1, "created_at": records.now(), "created_by": by}
        event = outbox.event(ev.HOMESTAY_REGISTERED.type, "tourism", doc["household_id"], self._data(doc, by))
        records.insert(self.homestays, doc, [event])
        return self.get(doc["_id"])

    def edit(self, homestay: dict, fields: dict, by: str) -> dict:
        changed = {k: fields[k] for k in EDITABLE if k in fields}
        after = {**homestay, **changed}
        event = outbox.event(ev.HOMESTAY_UPDATED.type, "tourism", homestay["household_id"], self._data(after, by))
        records.versioned_update(self.homestays, homestay, changed, by, [event])
        return self.get(homestay["_id"])

    def inspect(self, homestay: dict, inspected_on: date, result: str, note: str, by: str) -> dict:
        inspection = {"seq": len(homestay.get("inspections", [])) + 1, "inspected_on": inspected_on.isoformat(),
                      "result": result, "note": note, "by": by}
        latest = max([i["inspected_on"] for i in homestay.get("inspections", [])] + [inspection["inspected_on"]])
        event = outbox.event(ev.HOMESTAY_INSPECTED.type, "tourism", homestay["household_id"], {
            "household_id": homestay["household_id"], "recorded_by": by, "homestay_id": homestay["_id"],
            "name": homestay["name"], "inspected_on": inspection["inspected_on"], "result": result, "note": note})
        records.versioned_update(self.homestays, homestay, {"safety_inspected_on": latest}, by, [event],
                                 extra={"$push": {"inspections": inspection}})
        return self.get(homestay["_id"])

    def get(self, homestay_id: str) -> dict | None:
        return self.homestays.find_one({"_id": homestay_id}, PUBLIC)

    def list(self, scope: dict, q: str | None = None, kind: str | None = None, county_code: str | None = None,
             household_id: str | None = None, skip: int = 0, limit: int = 50) -> tuple[list[dict], int]:
        query = scoped(scope, kind=kind, county_code=county_code, household_id=household_id)
        query.update(records.search(q, "name", "household_id", "_id", "head_name"))
        return records.page(self.homestays, query, skip, limit)

