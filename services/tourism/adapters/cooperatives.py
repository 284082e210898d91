"""Village tourism cooperatives and their members' shares.

A cooperative is not a household, so creating or renaming one publishes nothing (every
event's subject is a household); what reaches households — joining, shares, leaving,
dividends — is published, one event per household."""
from __future__ import annotations

from datetime import date

from pymongo import ASCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.types import tourism as ev
from shared.programs.refused import Refused
from shared.programs.records import PUBLIC, scoped
from services.tourism.adapters import records
from services.tourism.domain import cooperatives as rules
from services.tourism.domain.ids import new_cooperative_id

EDITABLE = ("name", "village")


class CooperativeRepository:
    def __init__(self, db: Database):
        self.cooperatives = db["cooperatives"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.cooperatives)
        self.cooperatives.create_index([("county_code", ASCENDING)])

    def create(self, fields: dict, by: str) -> dict:
        doc = {"_id": new_cooperative_id(), "name": fields["name"], "county_code": fields["county_code"],
               "village": fields.get("village", ""), "founded_on": fields["founded_on"].isoformat(),
               "members": [], "total_shares": 0, "version": 1, "created_at": records.now(), "created_by": by}
        records.insert(self.cooperatives, doc, [])
        return self.get(doc["_id"])

    def edit(self, cooperative: dict, fields: dict, by: str) -> dict:
        records.versioned_update(self.cooperatives, cooperative, {k: fields[k] for k in EDITABLE if k in fields},
                                 by, [])
        return self.get(cooperative["_id"])

    def join(self, cooperative: dict, household: dict, shares: int, joined_on: date, by: str) -> dict:
        problems = rules.join_problem(cooperative, household["_id"])
        if problems:
            raise Refused.of(problems)
        member = {"household_id": household["_id"], "head_name": household.get("head_name", ""),
                  "village": household.get("village", ""), "shares": shares, "joined_on": joined_on.isoformat()}
        return self._set_shares(cooperative, household["_id"], member, shares, 0, ev.MEMBER_JOINED, joined_on, "", by)

    def change_shares(self, cooperative: dict, household_id: str, shares: int, on: date, reason: str, by: str) -> dict:
        member = self._member(cooperative, household_id)
        return self._set_shares(cooperative, household_id, {**member, "shares": shares}, shares, member["shares"],
                                ev.SHARES_CHANGED, on, reason, by)

    def leave(self, cooperative: dict, household_id: str, on: date, reason: str, by: str) -> dict:
        member = self._member(cooperative, household_id)
        return self._set_shares(cooperative, household_id, None, 0, member["shares"], ev.MEMBER_LEFT, on, reason, by)

    def _set_shares(self, cooperative, household_id, member, shares, before, event_type, on, reason, by) -> dict:
        members = rules.with_member(cooperative["members"], household_id, member)
        event = outbox.event(event_type.type, "tourism", household_id, {
            "household_id": household_id, "recorded_by": by, "cooperative_id": cooperative["_id"],
            "cooperative_name": cooperative["name"], "shares": shares, "shares_before": before,
            "effective_on": on.isoformat(), "reason": reason})
        records.versioned_update(self.cooperatives, cooperative,
                                 {"members": members, "total_shares": rules.total_shares(members)}, by, [event])
        return self.get(cooperative["_id"])

    @staticmethod
    def _member(cooperative: dict, household_id: str) -> dict:
        member = rules.member_of(cooperative, household_id)
        if member is None:
            raise Refused(f"household {household_id} is not a member of {cooperative['name']}", "household_id")
        return member

    def get(self, cooperative_id: str) -> dict | None:
        return self.cooperatives.find_one({"_id": cooperative_id}, PUBLIC)

    def list(self, scope: dict, q: str | None = None, county_code: str | None = None,
             skip: int = 0, limit: int = 50) -> tuple[list[dict], int]:
        query = scoped(scope, county_code=county_code)
        query.update(records.search(q, "name", "village", "_id"))
        return records.page(self.cooperatives, query, skip, limit)
