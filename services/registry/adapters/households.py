"""The registry's store: household files and their assistance history (MongoDB)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.types.registry import ASSISTANCE_RECORDED, HOUSEHOLD_SNAPSHOT
from services.registry.domain.assistance import summary_increments, timeline_entry
from services.registry.domain.households import new_household_id, new_summary

PUBLIC = {"applied_event_ids": 0, outbox.PENDING_FIELD: 0, outbox.FLAG_FIELD: 0}


def snapshot_event(doc: dict) -> dict:
    return outbox.event(HOUSEHOLD_SNAPSHOT.type, "registry", doc["_id"], {
        "household_id": doc["_id"], "head_name": doc["head_name"], "status": doc["status"],
        "county_code": doc["county_code"], "township": doc["township"], "village": doc["village"],
        "members": len(doc["members"]), "version": doc["version"],
    })


class HouseholdRepository:
    def __init__(self, db: Database):
        self.households = db["households"]
        self.history = db["history"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.households)
        self.households.create_index([("county_code", ASCENDING), ("head_name", ASCENDING)])
        self.history.create_index([("household_id", ASCENDING), ("occurred_at", DESCENDING)])

    # --- household files --------------------------------------------------------------
    def create(self, fields: dict, created_by: str) -> dict:
        now = datetime.now(timezone.utc)
        for _ in range(5):  # a collision of 10 random base32 characters is astronomically rare
            doc = {**fields, "_id": new_household_id(fields["county_code"]), "status": "identified",
                   "version": 1, "created_at": now, "created_by": created_by, "summary": new_summary(),
                   "applied_event_ids": []}
            try:
                # The file and its snapshot event for the households topic: one atomic insert.
                self.households.insert_one(outbox.with_events(doc, snapshot_event(doc)))
                return self.get(doc["_id"])
            except DuplicateKeyError:
                continue
        raise RuntimeError("could not allocate a household id")

    def get(self, household_id: str) -> dict | None:
        return self.households.find_one({"_id": household_id}, PUBLIC)

    def search(self, scope: dict, q: str | None, county: str | None, skip: int, limit: int) -> tuple[list[dict], int]:
        query = dict(scope)
        if county:
            if scope.get("county_code") not in (None, county):
                return [], 0
            query["county_code"] = county
        if q:
            query["head_name"] = {"$regex": "^" + re.escape(q)}
        cursor = self.households.find(query, PUBLIC).sort("_id", ASCENDING).skip(skip).limit(limit)
        return list(cursor), self.households.count_documents(query)

    # --- assistance history -----------------------------------------------------------
    def apply_assistance(self, envelope, event_type) -> bool:
        """Apply a program event once. Returns False if the household is unknown.

        The household update is guarded by the event id (kept in ``applied_event_ids``) and
        carries the consolidated-stream event in its outbox, all in one atomic write; the
        history entry is an upsert keyed by the event id. Redelivery changes nothing."""
        household = self.households.find_one({"_id": envelope.subject}, {"county_code": 1, "village": 1,
                                                                           "summary.total_income_fen": 1})
        if household is None:
            return False
        entry = timeline_entry(envelope, event_type)
        total = household["summary"]["total_income_fen"] + entry["income_fen"]
        stream_event = outbox.event(ASSISTANCE_RECORDED.type, "registry", envelope.subject, {
            "household_id": envelope.subject, "event_id": envelope.id, "event_type": envelope.type,
            "program": event_type.program, "occurred_at": envelope.time,
            "title_en": entry["title_en"], "title_zh": entry["title_zh"],
            "income_fen": entry["income_fen"], "amount_fen": entry["amount_fen"],
            "county_code": household["county_code"], "village": household["village"],
            "total_income_fen": total, "data": envelope.data,
        })
        self.households.update_one(
            {"_id": envelope.subject, "applied_event_ids": {"$ne": envelope.id}},
            outbox.merge_update({"$inc": summary_increments(event_type, envelope.data),
                                 "$push": {"applied_event_ids": envelope.id}}, stream_event),
        )
        entry["recorded_at"] = datetime.now(timezone.utc)
        self.history.update_one({"_id": envelope.id}, {"$setOnInsert": entry}, upsert=True)
        return True

    def timeline(self, household_id: str, limit: int = 200) -> list[dict]:
        return list(self.history.find({"household_id": household_id}).sort("occurred_at", DESCENDING).limit(limit))
