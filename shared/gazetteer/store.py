"""The gazetteer in the store: one collection per edition (``areas_<edition>``, written by
appends only), and a pointer to the edition in use (``editions``, ``_id: "current"``).

Loading a new edition fills its own collection while readers keep using the old one, then
moves the pointer: a reader never sees half an edition. Loading more provinces of the edition
in use adds to its collection; a load cut short is resumed by running it again (areas
already there are skipped)."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Iterable

from pymongo import ASCENDING
from pymongo.database import Database

from shared.gazetteer import edition
from shared.store import find_in, insert_new

BATCH = 5_000
POINTER_SECONDS = 30   # how long a reader trusts the pointer it read


class Gazetteer:
    def __init__(self, db: Database):
        self.db = db
        self.editions = db["editions"]
        self._pointer: tuple[float, str | None] = (0.0, None)

    # --- which edition ------------------------------------------------------------------
    def edition(self) -> str | None:
        """The edition in use, None before any load."""
        read_at, name = self._pointer
        if time.monotonic() - read_at > POINTER_SECONDS or name is None:
            doc = self.editions.find_one({"_id": "current"})
            name = doc["edition"] if doc else None
            self._pointer = (time.monotonic(), name)
        return name

    def _areas(self, edition: str | None = None):
        name = edition or self.edition()
        return self.db[f"areas_{name}"] if name else None

    # --- loading ------------------------------------------------------------------------
    def load(self, edition: str, published: str, rows: Iterable[dict], provinces: list[str] | None,
             progress=lambda done: None) -> dict:
        """Append the edition's ``rows`` (parents first) in batches, then record what was loaded
        and point readers at the edition. Returns counts by level."""
        areas = self.db[f"areas_{edition}"]
        areas.create_index([("parent", ASCENDING)])
        counts: dict[str, int] = {}
        batch: list[dict] = []
        done = 0
        for row in rows:
            counts[row["level"]] = counts.get(row["level"], 0) + 1
            batch.append(row)
            if len(batch) == BATCH:
                insert_new(areas, batch)
                done += len(batch)
                batch = []
                progress(done)
        insert_new(areas, batch)
        progress(done + len(batch))
        update: dict = {"$set": {"published": published, "loaded_at": datetime.now(timezone.utc), "counts": counts}}
        if provinces is None:
            update["$set"]["all"] = True
        else:
            update["$addToSet"] = {"provinces": {"$each": sorted(provinces)}}
        self.editions.update_one({"_id": edition}, update, upsert=True)
        self.editions.update_one({"_id": "current"}, {"$set": {"edition": edition}}, upsert=True)
        self._pointer = (0.0, None)
        return {"edition": edition, "provinces": provinces or "all", "counts": counts}

    def ensure(self, provinces: list[str]) -> None:
        """The pinned edition's areas of ``provinces`` (2-digit codes), loaded unless they are
        (the demo's and the tests' set-up)."""
        status = self.status() or {}
        loaded = status.get("edition") == edition.CURRENT.name and (
            status.get("all") or set(provinces) <= set(status.get("provinces", [])))
        if not loaded:
            self.load(edition.CURRENT.name, edition.CURRENT.published, edition.rows(set(provinces)), provinces)

    def status(self) -> dict | None:
        name = self.edition()
        if name is None:
            return None
        doc = self.editions.find_one({"_id": name}) or {}
        return {"edition": name, "published": doc.get("published"), "provinces": doc.get("provinces", []),
                "all": doc.get("all", False), "areas": self._areas(name).estimated_document_count()}

    # --- reading ------------------------------------------------------------------------
    def get(self, code: str) -> dict | None:
        areas = self._areas()
        return areas.find_one({"_id": code}) if areas is not None else None

    def unknown(self, codes: Iterable[str]) -> set[str]:
        """Those of ``codes`` the edition in use does not have (all of them before any load)."""
        codes = set(codes)
        areas = self._areas()
        if areas is None:
            return codes
        return codes - {doc["_id"] for doc in find_in(areas, "_id", codes, {"_id": 1})}

    def names(self, codes: Iterable[str]) -> dict[str, str]:
        areas = self._areas()
        if areas is None:
            return {}
        return {doc["_id"]: doc["name"] for doc in find_in(areas, "_id", codes, {"name": 1})}

    def provinces(self) -> list[dict]:
        """The provinces loaded, in code order: looked up by their possible codes (11–99 +
        0000, on the _id index), as ``children(None)`` scans every area for a missing parent."""
        areas = self._areas()
        if areas is None:
            return []
        return sorted(find_in(areas, "_id", [f"{n}0000" for n in range(11, 100)]), key=lambda a: a["_id"])

    def children(self, code: str | None) -> list[dict]:
        """The areas one level below ``code`` (the provinces for None), in code order."""
        areas = self._areas()
        if areas is None:
            return []
        return list(areas.find({"parent": code}).sort("_id", ASCENDING))
