"""Change requests (MongoDB): proposed by a village cadre or county operator, decided by a
county operator, then applied to the files they touch."""
from __future__ import annotations

import secrets

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.events.envelope import utcnow_iso
from services.registry.domain.change_requests import decide


class ChangeRequests:
    def __init__(self, db: Database):
        self.requests = db["change_requests"]

    def ensure_indexes(self) -> None:
        self.requests.create_index([("county_code", ASCENDING), ("status", ASCENDING), ("proposed_at", DESCENDING)])
        self.requests.create_index([("household_id", ASCENDING), ("proposed_at", DESCENDING)])

    def propose(self, household: dict, kind: str, payload: dict, reason: str, by: str) -> dict:
        request = {"_id": "CR" + secrets.token_hex(6).upper(), "household_id": household["_id"],
                   "county_code": household["county_code"], "kind": kind, "payload": payload, "reason": reason,
                   "status": "proposed", "proposed_by": by, "proposed_at": utcnow_iso(),
                   "based_on_version": household["version"]}
        self.requests.insert_one(request)
        return request

    def record_system(self, household: dict, request_id: str, kind: str, payload: dict, reason: str, by: str,
                      event_id: str, reasons: dict | None = None) -> dict:
        """A change the system asks for because of an event: approved as it is recorded, once
        per ``request_id`` (a second call returns the first). ``reasons``: the reason in each
        language ({"zh": …, "en": …}), which pages show in the reader's."""
        now = utcnow_iso()
        request = {"_id": request_id, "household_id": household["_id"], "county_code": household["county_code"],
                   "kind": kind, "payload": payload, "reason": reason, "status": "approved", "proposed_by": by,
                   "proposed_at": now, "based_on_version": household["version"], "decided_by": "system",
                   "decided_at": now, "decision_note": "", "source_event_id": event_id,
                   **({"reasons": reasons} if reasons else {})}
        try:
            self.requests.insert_one(request)
        except DuplicateKeyError:
            return self.get(request_id)
        return request

    def get(self, request_id: str) -> dict | None:
        return self.requests.find_one({"_id": request_id})

    def list(self, scope: dict, status: str | None, household_id: str | None, limit: int = 200) -> list[dict]:
        query = {k: v for k, v in scope.items()}
        if status:
            query["status"] = status
        if household_id:
            query["household_id"] = household_id
        return list(self.requests.find(query).sort("proposed_at", DESCENDING).limit(limit))

    def record_decision(self, request: dict, decision: str, note: str, by: str) -> dict:
        """proposed → approved | rejected, once (a second decision finds nothing to change)."""
        status = decide(request["status"], decision)
        self.requests.update_one({"_id": request["_id"], "status": "proposed"},
                                 {"$set": {"status": status, "decided_by": by, "decided_at": utcnow_iso(),
                                           "decision_note": note}})
        return self.get(request["_id"])

    def mark_applied(self, request_id: str, households: list[str]) -> None:
        self.requests.update_one({"_id": request_id}, {"$set": {"status": "applied", "applied_to": households,
                                                               "applied_at": utcnow_iso()}})

    def mark_refused(self, request_id: str, reason: str) -> None:
        self.requests.update_one({"_id": request_id}, {"$set": {"status": "refused", "refusal": reason,
                                                               "decided_at": utcnow_iso()}})
