"""Inbound reports: the message ids seen (replays refused) and the inbox of reports to apply,
keyed by partner, kind and the partner's reference (a repeated report is one entry)."""
from __future__ import annotations

from datetime import datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

PENDING, APPLIED, REFUSED = "pending", "applied", "refused"


class InboxRepository:
    def __init__(self, db: Database):
        self.seen = db["inbound_message_ids"]
        self.inbox = db["inbox"]

    def ensure_indexes(self) -> None:
        self.inbox.create_index([("status", 1), ("next_at", 1)])

    def claim_message(self, partner_id: str, msg_id: str, now: datetime) -> bool:
        """False if this partner already sent a message with this id (a replay)."""
        try:
            self.seen.insert_one({"_id": f"{partner_id}:{msg_id}", "partner_id": partner_id, "at": now})
            return True
        except DuplicateKeyError:
            return False

    def release_message(self, partner_id: str, msg_id: str) -> None:
        """A refused report leaves no trace: the partner may send the corrected one again."""
        self.seen.delete_one({"_id": f"{partner_id}:{msg_id}"})

    def receive(self, partner_id: str, kind: str, partner_ref: str, program: str, path: str, command: dict,
                msg_id: str, now: datetime) -> dict:
        entry_id = f"{partner_id}:{kind}:{partner_ref}"
        doc = {"_id": entry_id, "partner_id": partner_id, "kind": kind, "partner_ref": partner_ref,
               "program": program, "path": path,
               "command": command, "msg_id": msg_id, "status": PENDING, "attempts": 0, "next_at": now,
               "received_at": now, "result": None}
        try:
            self.inbox.insert_one(doc)
            return doc
        except DuplicateKeyError:
            # A refused report may be corrected and sent again with the same reference.
            self.inbox.replace_one({"_id": entry_id, "status": REFUSED}, doc)
            return self.inbox.find_one({"_id": entry_id})

    def settle(self, entry_id: str, status: str, result: dict, now: datetime) -> None:
        self.inbox.update_one({"_id": entry_id}, {"$set": {"status": status, "result": result, "settled_at": now},
                                                  "$inc": {"attempts": 1}})

    def postpone(self, entry_id: str, next_at: datetime, error: str) -> None:
        self.inbox.update_one({"_id": entry_id}, {"$set": {"next_at": next_at, "last_error": error},
                                                  "$inc": {"attempts": 1}})

    def due(self, now: datetime, limit: int = 100) -> list[dict]:
        return list(self.inbox.find({"status": PENDING, "next_at": {"$lte": now}}).sort("next_at", 1).limit(limit))

    def for_partner(self, partner_id: str, limit: int = 50) -> list[dict]:
        return list(self.inbox.find({"partner_id": partner_id}).sort("received_at", -1).limit(limit))
