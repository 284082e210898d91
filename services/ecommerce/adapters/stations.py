"""Rural e-commerce service stations: the program's reference data. A station concerns no
household by itself, so its changes publish nothing; its own history records them."""
from __future__ import annotations

from pymongo import ASCENDING
from pymongo.database import Database

from shared.events.envelope import utcnow_iso
from shared.programs.records import PUBLIC, scoped
from shared.store import WriteConflict
from services.ecommerce.adapters.common import NotFound, contains
from services.ecommerce.domain import records
from services.ecommerce.domain.stations import EDITABLE, OPEN, new_station_id


class StationRepository:
    def __init__(self, db: Database):
        self.stations = db["stations"]

    def ensure_indexes(self) -> None:
        self.stations.create_index([("county_code", ASCENDING), ("village_code", ASCENDING)])

    def open(self, fields: dict, by: str) -> dict:
        station = {**fields, "_id": new_station_id(), "opened_on": fields["opened_on"].isoformat(),
                   "county_code": fields["village_code"][:6], "status": fields.get("status") or OPEN,
                   "recorded_by": by, "recorded_at": utcnow_iso(), "updated_at": utcnow_iso(), "version": 1}
        station["events"] = [records.local_entry("station.opened", {"name": station["name"]})]
        self.stations.insert_one(station)
        return self.get(station["_id"])

    def update(self, station_id: str, fields: dict, by: str, version: int | None = None) -> dict:
        station = self.current(station_id)
        if version is not None and version != station.get("version"):
            raise WriteConflict(f"station {station_id} changed meanwhile; reload and try again")
        changed = records.changed_fields(station, fields, EDITABLE)
        if not changed:
            return station
        if "village_code" in changed:
            changed["county_code"] = changed["village_code"][:6]
        entry = records.local_entry("station.updated", {"changed": sorted(k for k in changed if k != "county_code")})
        result = self.stations.update_one(
            {"_id": station_id, "version": station.get("version")},
            {"$set": {**changed, "updated_at": utcnow_iso(), "updated_by": by}, "$inc": {"version": 1},
             "$push": {"events": entry}})
        if not result.matched_count:
            raise WriteConflict(f"station {station_id} changed meanwhile; reload and try again")
        return self.get(station_id)

    def current(self, station_id: str) -> dict:
        station = self.get(station_id)
        if station is None:
            raise NotFound(f"no station {station_id}")
        return station

    def get(self, station_id: str) -> dict | None:
        return self.stations.find_one({"_id": station_id}, PUBLIC)

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, county_code=filters.get("county"))
        if filters.get("status"):
            query["status"] = filters["status"]
        if filters.get("village_code"):
            query["village_code"] = filters["village_code"]
        if filters.get("q"):
            query["$or"] = [{"name": contains(filters["q"])}, {"village": contains(filters["q"])}]
        cursor = self.stations.find(query, {"events": 0, **PUBLIC}).sort([("village_code", ASCENDING),
                                                                         ("name", ASCENDING)])
        return list(cursor.skip(skip).limit(limit)), self.stations.count_documents(query)

    def choices(self, scope: dict) -> list[dict]:
        """Open stations for a form's select (small: one or two a village)."""
        query = scoped(scope, {"status": OPEN})
        return list(self.stations.find(query, {"name": 1, "village": 1}).sort("village_code", ASCENDING).limit(500))
