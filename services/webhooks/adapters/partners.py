"""Partner enterprises and their endpoints in the webhooks database.

Every change to either bumps one counter (``meta.rev``): the worker reloads its routing
table only when it moved, so a new endpoint receives the very next event."""
from __future__ import annotations

import secrets as random_secrets
from datetime import datetime, timezone

from pymongo import ReturnDocument
from pymongo.database import Database

from services.webhooks.domain import secrets

ACTIVE, DISABLED = "active", "disabled"
META_REV = "routing"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _new_id(prefix: str) -> str:
    return f"{prefix}-{random_secrets.token_hex(4).upper()}"


class PartnerRepository:
    def __init__(self, db: Database):
        self.partners = db["partners"]
        self.endpoints = db["endpoints"]
        self.meta = db["meta"]

    def ensure_indexes(self) -> None:
        self.endpoints.create_index("partner_id")

    def _bump(self) -> None:
        self.meta.update_one({"_id": META_REV}, {"$inc": {"rev": 1}}, upsert=True)

    def rev(self) -> int:
        doc = self.meta.find_one({"_id": META_REV})
        return doc["rev"] if doc else 0

    # --- partners -----------------------------------------------------------------
    def create_partner(self, fields: dict, by: str) -> dict:
        doc = {"_id": _new_id("P"), "name": fields["name"], "kind": fields["kind"],
               "contact": fields.get("contact", ""), "programs": fields["programs"], "areas": fields.get("areas", []),
               "platform": fields.get("platform"), "inbound_secret": secrets.new_secret(), "needs_action": False,
               "action_reason": "", "created_at": _now(), "created_by": by, "version": 1}
        self.partners.insert_one(doc)
        self._bump()
        return doc

    def partner(self, partner_id: str) -> dict | None:
        return self.partners.find_one({"_id": partner_id})

    def list_partners(self, skip: int = 0, limit: int = 50) -> tuple[list[dict], int]:
        return list(self.partners.find().sort("name", 1).skip(skip).limit(limit)), self.partners.count_documents({})

    def all_partners(self) -> dict[str, dict]:
        return {p["_id"]: p for p in self.partners.find()}

    def edit_partner(self, partner_id: str, fields: dict) -> dict | None:
        changes = {k: v for k, v in fields.items() if k in ("name", "kind", "contact", "programs", "areas", "platform")}
        if fields.get("action_done"):
            changes.update(needs_action=False, action_reason="")
        doc = self.partners.find_one_and_update({"_id": partner_id}, {"$set": changes, "$inc": {"version": 1}},
                                                return_document=ReturnDocument.AFTER)
        self._bump()
        return doc

    def rotate_inbound_secret(self, partner_id: str) -> dict | None:
        return self.partners.find_one_and_update({"_id": partner_id},
                                                 {"$set": {"inbound_secret": secrets.new_secret()}},
                                                 return_document=ReturnDocument.AFTER)

    def flag(self, partner_id: str, reason: str) -> None:
        """The partner's contact must act (an endpoint was switched off)."""
        self.partners.update_one({"_id": partner_id}, {"$set": {"needs_action": True, "action_reason": reason}})

    # --- endpoints ----------------------------------------------------------------
    def create_endpoint(self, partner: dict, fields: dict, by: str) -> dict:
        doc = {"_id": _new_id("E"), "partner_id": partner["_id"], "url": fields["url"],
               "description": fields.get("description", ""), "event_types": fields["event_types"],
               "programs": fields.get("programs", []), "areas": fields.get("areas", []),
               "secrets": [{"secret": secrets.new_secret(), "created_at": _now(), "expires_at": None}],
               "status": ACTIVE, "disabled_reason": "", "disabled_at": None, "failing_since": None,
               "consecutive_failures": 0, "created_at": _now(), "created_by": by}
        self.endpoints.insert_one(doc)
        self._bump()
        return doc

    def endpoint(self, endpoint_id: str) -> dict | None:
        return self.endpoints.find_one({"_id": endpoint_id})

    def endpoints_of(self, partner_id: str) -> list[dict]:
        return list(self.endpoints.find({"partner_id": partner_id}).sort("created_at", 1))

    def all_endpoints(self) -> list[dict]:
        return list(self.endpoints.find())

    def needing_action(self) -> list[dict]:
        return list(self.endpoints.find({"status": DISABLED}))

    def edit_endpoint(self, endpoint_id: str, fields: dict) -> dict | None:
        changes = {k: v for k, v in fields.items() if k in ("url", "description", "event_types", "programs", "areas")}
        if fields.get("status") == ACTIVE:
            changes.update(status=ACTIVE, disabled_reason="", disabled_at=None, failing_since=None,
                           consecutive_failures=0)
        elif fields.get("status") == DISABLED:
            changes.update(status=DISABLED, disabled_reason="disabled by the central office", disabled_at=_now())
        doc = self.endpoints.find_one_and_update({"_id": endpoint_id}, {"$set": changes},
                                                 return_document=ReturnDocument.AFTER)
        self._bump()
        return doc

    def set_secrets(self, endpoint_id: str, values: list[dict]) -> dict | None:
        return self.endpoints.find_one_and_update({"_id": endpoint_id}, {"$set": {"secrets": values}},
                                                  return_document=ReturnDocument.AFTER)

    def succeeded(self, endpoint_id: str) -> None:
        self.endpoints.update_one({"_id": endpoint_id, "consecutive_failures": {"$ne": 0}},
                                  {"$set": {"consecutive_failures": 0, "failing_since": None}})

    def failed(self, endpoint_id: str, now: datetime) -> dict | None:
        self.endpoints.update_one({"_id": endpoint_id, "failing_since": None}, {"$set": {"failing_since": now}})
        return self.endpoints.find_one_and_update({"_id": endpoint_id}, {"$inc": {"consecutive_failures": 1}},
                                                  return_document=ReturnDocument.AFTER)

    def disable(self, endpoint: dict, reason: str) -> None:
        result = self.endpoints.update_one({"_id": endpoint["_id"], "status": ACTIVE},
                                           {"$set": {"status": DISABLED, "disabled_reason": reason,
                                                     "disabled_at": _now()}})
        if result.modified_count:
            self.flag(endpoint["partner_id"], f"endpoint {endpoint['_id']} ({endpoint['url']}) switched off: {reason}")
            self._bump()
