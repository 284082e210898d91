"""The webhooks service's own API token for the program services: least privilege, kept
encrypted, rotatable.

The service user (``webhooks-service``) has the role ``partner_gateway``: it may call the
routes the report kinds forward to (``forwarding_grants``: e.g. ``ecommerce POST
/api/sales``) and nothing else — no page, no list, no household file, no ID number. Its token
is kept in the webhooks database encrypted (Fernet, under a key derived from SECRET_KEY, which
the database does not hold): whoever reads that database gets no working credential. Every
webhooks process reads the same token; ``rotate`` issues a new one and revokes every other,
and a process still holding an old one reads the new one when a program answers 401
(``Webhooks.forward``).

An earlier release kept a central-office token in clear here: the first read replaces it
(the user gets the new role, the clear token is revoked, the field removed)."""
from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.auth.roles import PARTNER_GATEWAY
from shared.auth.store import AuthStore, token_key
from services.webhooks.domain.reports import forwarding_grants

SERVICE_USER = "webhooks-service"
DOC_ID = "service_token"


class ServiceCredential:
    def __init__(self, db: Database, auth: AuthStore, secret_key: str):
        self.meta = db["meta"]
        self.auth = auth
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"webhooks-service-token:" + secret_key.encode()).digest()))

    def token(self) -> str:
        """The token in use, issued when there is none that still works with today's grants."""
        doc = self.meta.find_one({"_id": DOC_ID})
        token = self._open(doc)
        if token is not None:
            principal = self.auth.principal_for_token(token)
            if principal is not None and principal.role == PARTNER_GATEWAY and principal.grants == forwarding_grants():
                return token
        return self._replace(doc)

    def rotate(self) -> tuple[str, int]:
        """A new token in use, every other token of the service user revoked: (token, how many)."""
        token = self._replace(self.meta.find_one({"_id": DOC_ID}))
        revoked = sum(self.auth.revoke_token(t["id"], SERVICE_USER) for t in self.auth.list_tokens(SERVICE_USER)
                      if t["id"] != token_key(token)[:12])
        return token, revoked

    def _open(self, doc: dict | None) -> str | None:
        if not doc or "cipher" not in doc:
            return None
        try:
            return self._fernet.decrypt(doc["cipher"].encode()).decode()
        except InvalidToken:   # SECRET_KEY changed: a new token is issued
            return None

    def _replace(self, doc: dict | None) -> str:
        """Issue a token and store it in place of ``doc`` (compare-and-set: when another
        process replaced it first, its token is used and ours revoked)."""
        self.auth.upsert_user(SERVICE_USER, secrets.token_urlsafe(24), PARTNER_GATEWAY,
                              display_name="Webhooks service", grants=forwarding_grants())
        token = self.auth.issue_token(SERVICE_USER, "webhooks: partners' reports")
        cipher = self._fernet.encrypt(token.encode()).decode()
        try:
            if doc is None:
                self.meta.insert_one({"_id": DOC_ID, "cipher": cipher})
                stored = True
            else:
                guard = {"_id": DOC_ID, **({"cipher": doc["cipher"]} if "cipher" in doc else {"cipher": {"$exists": False}})}
                stored = self.meta.update_one(guard, {"$set": {"cipher": cipher}, "$unset": {"token": ""}}).matched_count == 1
        except DuplicateKeyError:
            stored = False
        if not stored:
            self.auth.revoke_token(token, SERVICE_USER)
            return self.token()
        if doc and doc.get("token"):   # an earlier release's token, in clear: no longer valid anywhere
            self.auth.revoke_token(doc["token"], SERVICE_USER)
        return token
