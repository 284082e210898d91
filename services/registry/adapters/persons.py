"""ID numbers: stored encrypted (Fernet), found by a keyed hash, shown masked; and the
one-household-per-person rule, kept by a claim document per person (unique by hash)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging

from cryptography.fernet import Fernet, InvalidToken
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.config import Settings
from shared.messages import N_, Message
from services.registry.domain.id_numbers import mask, normalise

log = logging.getLogger(__name__)


class DuplicatePerson(ValueError):
    def __init__(self, masked: str, household_id: str):
        self.said = Message("person_elsewhere", N_("the person with ID number %(masked)s already belongs to household "
                                                   "%(household)s"), {"masked": masked, "household": household_id})
        super().__init__(str(self.said))
        self.masked = masked
        self.household_id = household_id


class IdProtection:
    def __init__(self, settings: Settings):
        secret = settings.id_number_key.encode() if settings.id_number_key else \
            base64.urlsafe_b64encode(hashlib.sha256(b"id-numbers:" + settings.secret_key.encode()).digest())
        self._fernet = Fernet(secret)
        self._hash_key = hashlib.sha256(b"id-hash:" + secret).digest()

    def protect(self, number: str) -> dict:
        """The stored form: {id_hash, id_masked, id_cipher}; the clear number is never stored."""
        number = normalise(number)
        return {"id_hash": self.hash(number), "id_masked": mask(number),
                "id_cipher": self._fernet.encrypt(number.encode()).decode()}

    def hash(self, number: str) -> str:
        return hmac.new(self._hash_key, normalise(number).encode(), hashlib.sha256).hexdigest()

    def reveal(self, cipher: str) -> str | None:
        """The clear number, or None when this key cannot open it (a changed or wrong
        ID_NUMBER_KEY / SECRET_KEY): the caller shows the masked number, and the error is
        logged, rather than one such file failing a whole list."""
        try:
            return self._fernet.decrypt(cipher.encode()).decode()
        except InvalidToken:
            log.error("an ID number cannot be decrypted with this key (was ID_NUMBER_KEY or SECRET_KEY changed?)")
            return None


class PersonClaims:
    """persons: {_id: id_hash, household_id, member_id}. Claim before the household write;
    a claim whose household never appeared is released by the next claim for that person."""

    def __init__(self, db: Database):
        self.persons = db["persons"]
        self.households = db["households"]

    def claim(self, id_hash: str, masked: str, household_id: str, member_id: str) -> None:
        try:
            self.persons.insert_one({"_id": id_hash, "household_id": household_id, "member_id": member_id})
            return
        except DuplicateKeyError:
            existing = self.persons.find_one({"_id": id_hash})
        if existing and existing["household_id"] == household_id:
            return
        if existing and self._still_member(existing):
            raise DuplicatePerson(masked, existing["household_id"])
        # A stale claim (crash between claim and household write, or member since removed).
        self.persons.update_one({"_id": id_hash, "household_id": existing["household_id"]},
                                {"$set": {"household_id": household_id, "member_id": member_id}})

    def move(self, id_hash: str, household_id: str) -> None:
        self.persons.update_one({"_id": id_hash}, {"$set": {"household_id": household_id}})

    def release(self, id_hash: str, household_id: str) -> None:
        self.persons.delete_one({"_id": id_hash, "household_id": household_id})

    def where(self, id_hash: str) -> str | None:
        doc = self.persons.find_one({"_id": id_hash})
        return doc["household_id"] if doc and self._still_member(doc) else None

    def _still_member(self, claim: dict) -> bool:
        return self.households.count_documents(
            {"_id": claim["household_id"], "members.member_id": claim["member_id"], "status": {"$ne": "removed"}}) > 0
