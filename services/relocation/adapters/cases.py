"""Relocation cases: one document per household, carrying its steps, subsidies, history and
pending events. Every step is one write guarded by ``rev`` that changes the case and queues
its event (shared.outbox)."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.catalogue import EventType
from shared.events.types import relocation as ev
from shared.programs.records import id_or_name, only, PUBLIC, scoped
from services.relocation.adapters.common import SOURCE
from shared.programs.refused import Refused
from shared.programs.history import entry
from services.relocation.domain.lifecycle import ENROLLED, MOVED_IN, new_case_id

LIST_FIELDS = {**PUBLIC, "events": 0}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _about(case: dict, by: str) -> dict:
    return {"household_id": case["household_id"], "recorded_by": by, "case_id": case["_id"],
            "site_id": case.get("site_id"), "site_name": case.get("site_name")}


def _event(event_type: EventType, case: dict, by: str, data: dict) -> tuple[dict, dict]:
    event = outbox.event(event_type.type, SOURCE, case["household_id"], {**_about(case, by), **data})
    return event, entry(event_type, event["data"], [event["data"]["household_id"]], event["time"])


class CaseRepository:
    def __init__(self, db: Database):
        self.cases = db["cases"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.cases)
        self.cases.create_index("household_id", unique=True)
        self.cases.create_index([("stage", ASCENDING), ("moved_in_on", ASCENDING)])
        self.cases.create_index([("site_id", ASCENDING), ("stage", ASCENDING)])
        self.cases.create_index([("county_code", ASCENDING), ("opened_at", DESCENDING)])

    # --- reading ------------------------------------------------------------------------------
    def get(self, case_id: str) -> dict | None:
        return self.cases.find_one({"_id": case_id}, PUBLIC)

    def require(self, case_id: str) -> dict:
        doc = self.get(case_id)
        if doc is None:
            raise Refused(f"no relocation case {case_id}", "case_id", 404)
        return doc

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, **only(filters, "stage", "site_id", "household_id", "county_code"))
        if filters.get("employed") is not None:
            query["employed"] = filters["employed"]
        if filters.get("q"):
            query.update(id_or_name(filters["q"], "head_name", "household_id"))
        cursor = self.cases.find(query, LIST_FIELDS).sort("opened_at", DESCENDING).skip(skip).limit(limit)
        return list(cursor), self.cases.count_documents(query)

    def all(self, scope: dict) -> list[dict]:
        return list(self.cases.find(scoped(scope), LIST_FIELDS))

    def due_for_risk_check(self) -> list[dict]:
        return list(self.cases.find({"stage": MOVED_IN, "risk_raised": False}, LIST_FIELDS))

    # --- writing ------------------------------------------------------------------------------
    def open(self, household: dict, people: int, by: str) -> dict:
        now = _now()
        case = {"_id": new_case_id(), "household_id": household["_id"], "head_name": household.get("head_name", ""),
                "county_code": household["county_code"], "origin_village_code": household["village_code"],
                "origin_village": household.get("village", ""), "origin_township": household.get("township", ""),
                "people": people, "stage": ENROLLED, "employed": False, "employment": [], "training": [],
                "subsidies": [], "subsidies_fen": 0, "risk_raised": False,
                "opened_at": now, "opened_by": by, "updated_at": now, "updated_by": by, "rev": 1}
        event, history = _event(ev.CASE_OPENED, case, by, {
            "people": people, "origin_village_code": case["origin_village_code"],
            "origin_village": case["origin_village"] or case["origin_village_code"]})
        try:
            outbox.insert(self.cases, {**case, "events": [history]}, event)
        except DuplicateKeyError:
            existing = self.cases.find_one({"household_id": household["_id"]}, {"_id": 1})
            raise Refused(f"household {household['_id']} already has relocation case "
                          f"{(existing or {}).get('_id', '?')}", "household_id") from None
        return self.get(case["_id"])

    def step(self, case: dict, sets: dict, event_type: EventType, data: dict, by: str, push: dict | None = None,
             inc: dict | None = None) -> dict:
        """Apply ``sets`` to the case read as ``case`` and publish ``event_type``, in one write
        guarded by ``rev`` (a concurrent step makes this one fail, not both succeed)."""
        after = {**case, **sets}
        event, history = _event(event_type, after, by, data)
        update = {"$set": {**sets, "updated_at": _now(), "updated_by": by},
                  "$inc": {"rev": 1, **(inc or {})}, "$push": {"events": history, **(push or {})}}
        result = outbox.update(self.cases, {"_id": case["_id"], "rev": case["rev"]}, update, event)
        if not result.matched_count:
            raise Refused("The case changed meanwhile; reload and try again.")
        return self.get(case["_id"])

    def raise_risk_once(self, case: dict, data: dict, today_iso: str, by: str) -> bool:
        """The daily check's write: the risk event once per case (guarded by ``risk_raised``)."""
        event, history = _event(ev.NO_EMPLOYMENT, case, by, data)
        result = outbox.update(self.cases, {"_id": case["_id"], "stage": MOVED_IN, "risk_raised": False},
                               {"$set": {"risk_raised": True, "risk_raised_on": today_iso},
                                "$inc": {"rev": 1}, "$push": {"events": history}}, event)
        return bool(result.modified_count)
