"""Credit ratings: one document per household (its id) with the rating in force, the ones
before it, and the events it published."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.types import microcredit as ev
from shared.programs.refused import Refused
from shared.programs.records import prefix, PUBLIC, scoped
from services.microcredit.adapters.common import emit

RATING_FIELDS = ("grade", "credit_line_fen", "rated_on", "valid_until", "note", "rated_by")


class RatingRepository:
    def __init__(self, db: Database):
        self.ratings = db["ratings"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.ratings)
        self.ratings.create_index([("county_code", ASCENDING)])

    def get(self, household_id: str) -> dict | None:
        return self.ratings.find_one({"_id": household_id}, PUBLIC)

    def require(self, household_id: str) -> dict:
        doc = self.get(household_id)
        if doc is None:
            raise Refused(f"household {household_id} has no credit rating", "household_id", 404)
        return doc

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, {}, county_code=filters.get("county_code"))
        if filters.get("grade"):
            query["grade"] = filters["grade"]
        if filters.get("q"):
            query["$or"] = [{"_id": prefix(filters["q"])}, {"head_name": prefix(filters["q"])}]
        cursor = self.ratings.find(query, {**PUBLIC, "events": 0}).sort("rated_on", -1)
        return list(cursor.skip(skip).limit(limit)), self.ratings.count_documents(query)

    def record(self, household: dict, rating: dict, by: str) -> dict:
        hid = household["_id"]
        current = self.get(hid)
        rating_id = f"{hid}:{len(current.get('previous', [])) + 2 if current else 1}"
        event, history = emit(ev.RATING_RECORDED, hid, {
            "recorded_by": by, "rating_id": rating_id, "grade": rating["grade"],
            "credit_line_fen": rating["credit_line_fen"], "rated_on": rating["rated_on"],
            "valid_until": rating["valid_until"]})
        fields = {**rating, "rating_id": rating_id, "rated_by": by, "head_name": household.get("head_name", ""),
                  "village": household.get("village", ""), "county_code": household["county_code"],
                  "updated_at": datetime.now(timezone.utc)}
        if current is None:
            try:
                outbox.insert(self.ratings, {"_id": hid, **fields, "previous": [], "events": [history], "rev": 1}, event)
                return self.get(hid)
            except DuplicateKeyError:
                current = self.get(hid)
        before = {k: current.get(k) for k in RATING_FIELDS}
        result = outbox.update(self.ratings, {"_id": hid, "rev": current["rev"]},
                               {"$set": fields, "$inc": {"rev": 1},
                                "$push": {"previous": before, "events": history}}, event)
        if not result.matched_count:
            raise Refused("The rating changed meanwhile; reload and try again.")
        return self.get(hid)
