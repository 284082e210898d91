"""Resettlement sites: one document each, with counters of what is allocated there.

Capacity is enforced in the one guarded write that reserves room for a case
(``allocations.<case id>`` recorded with the free counters decremented only if enough is
free), before the case records its allocation and event; see CaseRepository.allocate."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from shared.programs.records import id_or_name, PUBLIC, scoped
from shared.programs.refused import Refused
from services.relocation.domain.sites import check_room, new_site_id


class SiteRepository:
    def __init__(self, db: Database):
        self.sites = db["sites"]

    def ensure_indexes(self) -> None:
        self.sites.create_index([("county_code", ASCENDING), ("name", ASCENDING)])

    def get(self, site_id: str) -> dict | None:
        return self.sites.find_one({"_id": site_id}, PUBLIC)

    def require(self, site_id: str, status: int = 404) -> dict:
        """The site; Refused with 404 at its own URL, 422 when a request body names it."""
        doc = self.get(site_id)
        if doc is None:
            raise Refused(f"no resettlement site {site_id}", "site_id", status)
        return doc

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, kind=filters.get("kind"), county_code=filters.get("county_code"))
        if filters.get("q"):
            query.update(id_or_name(filters["q"]))
        cursor = self.sites.find(query, PUBLIC).sort("created_at", DESCENDING).skip(skip).limit(limit)
        return list(cursor), self.sites.count_documents(query)

    def all(self, scope: dict) -> list[dict]:
        return list(self.sites.find(scoped(scope), PUBLIC).sort("name", ASCENDING))

    def create(self, fields: dict, by: str) -> dict:
        now = datetime.now(timezone.utc)
        doc = {"_id": new_site_id(), "name": fields["name"], "kind": fields["kind"],
               "village_code": fields["village_code"], "county_code": fields["village_code"][:6],
               "township": fields["township"], "village": fields["village"],
               "capacity_households": fields["capacity_households"], "capacity_m2": fields["capacity_m2"],
               "households_free": fields["capacity_households"], "m2_free": fields["capacity_m2"],
               "households_allocated": 0, "m2_allocated": 0, "allocations": {},
               "created_at": now, "created_by": by}
        self.sites.insert_one(doc)
        return self.get(doc["_id"])

    def reserve(self, site: dict, case_id: str, area_m2: int) -> None:
        """Room for one household of ``area_m2`` at the site, once per case; Refused when full."""
        result = self.sites.update_one(
            {"_id": site["_id"], f"allocations.{case_id}": {"$exists": False},
             "households_free": {"$gte": 1}, "m2_free": {"$gte": area_m2}},
            {"$inc": {"households_free": -1, "m2_free": -area_m2, "households_allocated": 1, "m2_allocated": area_m2},
             "$set": {f"allocations.{case_id}": area_m2}})
        if result.matched_count:
            return
        fresh = self.require(site["_id"])
        if fresh.get("allocations", {}).get(case_id) == area_m2:
            return  # reserved by an earlier attempt that did not finish
        check_room(fresh, area_m2)
        raise Refused("The site changed meanwhile; try again.", "site_id")

    def release(self, site_id: str, case_id: str, area_m2: int) -> None:
        """Undo a reservation whose case could not record its allocation."""
        self.sites.update_one({"_id": site_id, f"allocations.{case_id}": area_m2},
                              {"$inc": {"households_free": 1, "m2_free": area_m2, "households_allocated": -1,
                                        "m2_allocated": -area_m2},
                               "$unset": {f"allocations.{case_id}": ""}})
