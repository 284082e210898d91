"""Users and API tokens in the shared auth database."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from pymongo.database import Database
from werkzeug.security import check_password_hash, generate_password_hash

from shared.auth.roles import Principal

TOKEN_PREFIX = "jz_"
# How long a web process may go on trusting what it looked up about a token or a user (see
# shared.auth.web): the bound within which a revocation or a role change takes effect.
PRINCIPAL_TTL_S = 3.0


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AuthStore:
    def __init__(self, db: Database):
        self.users = db["users"]
        self.tokens = db["api_tokens"]

    def upsert_user(self, username: str, password: str, role: str, county: str | None = None,
                    program: str | None = None, display_name: str = "", province: str | None = None,
                    grants: tuple = ()) -> Principal:
        principal = Principal(username, role, county or None, program or None, display_name or username,
                              province=province or None, grants=tuple(sorted(grants)))
        if len(password) < 8:
            raise ValueError("password must have at least 8 characters")
        self.users.update_one(
            {"_id": username},
            {"$set": {"password_hash": generate_password_hash(password), "role": role,
                      "county": principal.county, "program": principal.program,
                      "display_name": principal.display_name, "province": principal.province,
                      "grants": list(principal.grants), "active": True},
             "$setOnInsert": {"created_at": datetime.now(timezone.utc)}},
            upsert=True,
        )
        return principal

    def authenticate(self, username: str, password: str) -> Principal | None:
        doc = self.users.find_one({"_id": username, "active": True})
        if doc is None or not check_password_hash(doc["password_hash"], password):
            return None
        return self._principal(doc)

    def principal(self, username: str) -> Principal | None:
        doc = self.users.find_one({"_id": username, "active": True})
        return self._principal(doc) if doc else None

    def issue_token(self, username: str, name: str) -> str:
        if self.users.find_one({"_id": username}) is None:
            raise ValueError(f"no such user: {username}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        # Only the hash is stored: a stolen database does not give working tokens.
        self.tokens.insert_one({"_id": token_key(token), "username": username, "name": name,
                                "created_at": datetime.now(timezone.utc)})
        return token

    def list_tokens(self, username: str | None = None) -> list[dict]:
        """Tokens as {id (the start of the hash), username, name, created_at}: never the token."""
        query = {"username": username} if username else {}
        return [{"id": doc["_id"][:12], "username": doc["username"], "name": doc.get("name", ""),
                 "created_at": doc.get("created_at")} for doc in self.tokens.find(query).sort("created_at", 1)]

    def revoke_token(self, token_or_id: str, username: str | None = None) -> int:
        """Revoke one token, given as the token itself or its listed id; how many went."""
        if token_or_id.startswith(TOKEN_PREFIX):
            query = {"_id": token_key(token_or_id)}
        elif len(token_or_id) >= 8 and all(c in "0123456789abcdef" for c in token_or_id):
            query = {"_id": {"$regex": "^" + token_or_id}}
        else:
            raise ValueError("give the token or the id that list-tokens shows (8+ hex digits)")
        if username:
            query["username"] = username
        matches = list(self.tokens.find(query, {"_id": 1}))
        if len(matches) > 1:
            raise ValueError(f"{token_or_id} names {len(matches)} tokens; give more of the id")
        return self.tokens.delete_many({"_id": {"$in": [m["_id"] for m in matches]}}).deleted_count

    def revoke_all_tokens(self, username: str) -> int:
        return self.tokens.delete_many({"username": username}).deleted_count

    def principal_for_token(self, token: str) -> Principal | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        doc = self.tokens.find_one({"_id": token_key(token)})
        return self.principal(doc["username"]) if doc else None

    @staticmethod
    def _principal(doc: dict) -> Principal:
        return Principal(doc["_id"], doc["role"], doc.get("county"), doc.get("program"),
                         doc.get("display_name") or doc["_id"], province=doc.get("province"),
                         grants=tuple(doc.get("grants") or ()))
