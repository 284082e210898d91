"""Area reference data: names and registered population of every area code."""
from __future__ import annotations

from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database

from services.registry.domain.areas import level_of, parent_of, prefix_of


class Areas:
    def __init__(self, db: Database):
        self.areas = db["areas"]

    def ensure_indexes(self) -> None:
        self.areas.create_index([("parent", ASCENDING)])

    def upsert(self, rows: list[dict]) -> int:
        ops = [UpdateOne({"_id": r["code"]}, {"$set": {"name": r["name"], "level": level_of(r["code"]),
                                                        "parent": parent_of(r["code"]),
                                                        "population": r.get("population", 0)}}, upsert=True)
               for r in rows]
        return self.areas.bulk_write(ops).upserted_count if ops else 0

    def get(self, code: str) -> dict | None:
        return self.areas.find_one({"_id": code})

    def children(self, code: str) -> list[dict]:
        return list(self.areas.find({"parent": code}).sort("_id", ASCENDING))

    def names(self, codes) -> dict[str, str]:
        return {a["_id"]: a["name"] for a in self.areas.find({"_id": {"$in": list(codes)}})}

    def population(self, code: str) -> int:
        """Registered population: the area's own figure, else the sum of its villages."""
        area = self.get(code)
        if area and area.get("population"):
            return area["population"]
        villages = self.areas.find({"level": "village", "_id": {"$regex": f"^{code.rstrip('0') if len(code) == 6 else code}"}},
                                   {"population": 1})
        return sum(v.get("population", 0) for v in villages)
