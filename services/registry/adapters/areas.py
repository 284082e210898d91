"""Area reference data: names and registered population of every area code.

An area without a figure of its own counts the people of its villages. Those sums are kept
in ``area_populations`` (one document per township, county, prefecture and province), redone
for the counties an upload touches, so that a dashboard reads a dozen documents instead of
every village of a county."""
from __future__ import annotations

from collections import defaultdict

from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database

from services.registry.domain.areas import level_of, parent_of


class Areas:
    def __init__(self, db: Database):
        self.areas = db["areas"]
        self.sums = db["area_populations"]

    def ensure_indexes(self) -> None:
        self.areas.create_index([("parent", ASCENDING)])
        self.sums.create_index([("parent", ASCENDING)])
        if self.sums.find_one() is None and self.areas.find_one({"level": "village"}, {"_id": 1}) is not None:
            # Areas loaded by a release that kept no sums: make them once.
            self._sum_villages({a["_id"][:6] for a in self.areas.find({"level": "county"}, {"_id": 1})} |
                               {a["parent"][:6] for a in self.areas.find({"level": "village"}, {"parent": 1})})

    def upsert(self, rows: list[dict]) -> int:
        ops = [UpdateOne({"_id": r["code"]}, {"$set": {"name": r["name"], "level": level_of(r["code"]),
                                                        "parent": parent_of(r["code"]),
                                                        "population": r.get("population", 0)}}, upsert=True)
               for r in rows]
        upserted = self.areas.bulk_write(ops).upserted_count if ops else 0
        self._sum_villages({r["code"][:6] for r in rows if level_of(r["code"]) == "village"})
        return upserted

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
        """population() of many areas in two queries (a dashboard asks for a dozen at once)."""
        codes = list(dict.fromkeys(codes))
        own = {a["_id"]: a.get("population") or 0 for a in self.areas.find({"_id": {"$in": codes}}, {"population": 1})}
        summed = [code for code in codes if not own.get(code) and level_of(code) != "village"]
        if summed:
            own.update({s["_id"]: s["villages"] for s in self.sums.find({"_id": {"$in": summed}})})
        return {code: own.get(code, 0) for code in codes}

    def _sum_villages(self, counties) -> None:
        """Redo the sums of the counties' townships and of the counties, then of the
        prefectures and provinces above them, from the stored villages: a repeated or
        resumed upload leaves them right. A county's villages are found by ``parent`` (their
        township's code, which starts with the county's), an indexed field."""
        above = set()
        for county in sorted(counties):
            townships: dict = defaultdict(int)
            for village in self.areas.find({"level": "village", "parent": {"$regex": f"^{county}"}},
                                           {"parent": 1, "population": 1}):
                townships[village["parent"]] += village.get("population") or 0
            for township, people in townships.items():
                self._set_sum(township, people)
            self._set_sum(county, sum(townships.values()))
            above.add(parent_of(county))
        while above:  # prefectures, then provinces: the sum of the sums one level down
            for code in sorted(above):
                self._set_sum(code, sum(s["villages"] for s in self.sums.find({"parent": code}, {"villages": 1})))
            above = {parent_of(code) for code in above} - {None}

    def _set_sum(self, code: str, people: int) -> None:
        # One update each: a bulk_write of several upserts stalls the local store.
        self.sums.update_one({"_id": code}, {"$set": {"parent": parent_of(code), "villages": people}}, upsert=True)
