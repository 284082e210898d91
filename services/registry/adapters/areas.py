"""Area reference data: names and registered population of every area code."""
from __future__ import annotations

import os
import re

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
        return self.populations([code])[code]

    def populations(self, codes) -> dict[str, int]:
        """population() of many areas in two queries (a dashboard asks for a dozen at once).

        Villages are found by their ``parent`` (their township's code, which starts with
        every code above it), not by ``_id``: the local store answers an anchored prefix of
        an indexed field from its index, and of ``_id`` only by reading every area."""
        codes = list(dict.fromkeys(codes))
        own = {a["_id"]: a.get("population") or 0 for a in self.areas.find({"_id": {"$in": codes}}, {"population": 1})}
        summed = {code: _village_prefix(code) for code in codes if not own.get(code)}
        if summed:
            common = os.path.commonprefix(list(summed.values()))
            for village in self.areas.find({"level": "village", "parent": {"$regex": f"^{re.escape(common)}"}},
                                           {"population": 1}):
                for code, prefix in summed.items():
                    if village["_id"].startswith(prefix):
                        own[code] = own.get(code, 0) + village.get("population", 0)
        return {code: own.get(code, 0) for code in codes}


def _village_prefix(code: str) -> str:
    """What the codes of an area's villages start with."""
    return code.rstrip("0") if len(code) == 6 else code
