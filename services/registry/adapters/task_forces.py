"""Task forces (驻村工作队) in the store: who sends them, their first secretary and members,
and the villages they are stationed in, from when to when. Every change queues its event
(on the villages topic) in the same write."""
from __future__ import annotations

import re
import secrets

from pymongo import ASCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.types.registry import TASK_FORCE_CHANGED, TASK_FORCE_FORMED
from services.registry.adapters.versioned import HIDDEN, file_of, guarded_update, new_document

ID_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_task_force_id() -> str:
    return "TF" + "".join(secrets.choice(ID_ALPHABET) for _ in range(10))


def _event(type_name: str, doc: dict, by: str, change: str, reason: str = "", village_code: str | None = None) -> dict:
    return outbox.event(type_name, "registry", doc["_id"], {
        "task_force_id": doc["_id"], "recorded_by": by, "version": doc["version"], "file": file_of(doc),
        "change": change, "village_code": village_code, "reason": reason})


class TaskForces:
    def __init__(self, db: Database):
        self.task_forces = db["task_forces"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.task_forces)
        self.task_forces.create_index([("county_code", ASCENDING)])
        self.task_forces.create_index([("stationings.village_code", ASCENDING)])

    def get(self, task_force_id: str) -> dict | None:
        return self.task_forces.find_one({"_id": task_force_id}, HIDDEN)

    def list(self, scope: dict, prefix: str = "", village_code: str | None = None) -> list[dict]:
        """Task forces in ``scope`` (a county filter) of the counties under ``prefix``, or
        stationed (ever) in ``village_code``; by county, then sending unit."""
        query = dict(scope)
        if prefix:
            query.setdefault("county_code", {"$regex": "^" + re.escape(prefix[:6])})
        if village_code:
            query["stationings.village_code"] = village_code
        return list(self.task_forces.find(query, HIDDEN).sort([("county_code", ASCENDING), ("sending_unit", ASCENDING)]))

    def create(self, fields: dict, by: str) -> dict:
        doc = new_document({"_id": new_task_force_id(), **fields, "stationings": []}, by)
        outbox.insert(self.task_forces, doc, _event(TASK_FORCE_FORMED.type, doc, by, "formed"))
        return file_of(doc)

    def station(self, doc: dict, stationing: dict, by: str, reason: str) -> dict:
        stationings = doc["stationings"] + [stationing]
        return guarded_update(self.task_forces, doc, {"stationings": stationings}, by,
                              lambda after: _event(TASK_FORCE_CHANGED.type, after, by, "stationed", reason,
                                                   stationing["village_code"]))

    def set_members(self, doc: dict, members: list[dict], by: str, reason: str) -> dict:
        return guarded_update(self.task_forces, doc, {"members": members}, by,
                              lambda after: _event(TASK_FORCE_CHANGED.type, after, by, "membership", reason))
