"""The webhooks service's own API token for the program services.

A service user (role central, a random password nobody knows) is created in the shared auth
store; its token is issued once and kept in the webhooks database (the auth store keeps only
hashes). Every webhooks process reads the same token."""
from __future__ import annotations

import secrets

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.auth.roles import CENTRAL
from shared.auth.store import AuthStore

SERVICE_USER = "webhooks-service"
DOC_ID = "service_token"


def service_token(db: Database, auth: AuthStore) -> str:
    doc = db["meta"].find_one({"_id": DOC_ID})
    if doc and auth.principal_for_token(doc["token"]):
        return doc["token"]
    auth.upsert_user(SERVICE_USER, secrets.token_urlsafe(24), CENTRAL, display_name="Webhooks service")
    token = auth.issue_token(SERVICE_USER, "webhooks inbound reports")
    if doc:
        db["meta"].update_one({"_id": DOC_ID}, {"$set": {"token": token}})
        return token
    try:
        db["meta"].insert_one({"_id": DOC_ID, "token": token})
        return token
    except DuplicateKeyError:  # another process got there first: use its token
        return db["meta"].find_one({"_id": DOC_ID})["token"]
