"""Brings an earlier release's household files to the layout the batched consumer writes:
each file's ``summary`` and the per-partition offsets read from its ``applied`` map go to
``household_summaries``, its ``warnings`` to the ``warnings`` collection.

Run by the consumer at start, before its first poll (as the statistics upgrade is), until it
has finished once (``upgrades``). One pass over the files with an ``applied`` map (an earlier
release's): every write is an insert keyed as the consumer keys it, so a pass that stopped
half-way is simply run again and writes nothing twice. (Paging in ``_id`` order instead made
the local store read the whole collection for each page.) The files keep their ``applied`` map: a redelivered event whose history
entry an earlier release wrote (without ``position``) is judged by it (events.py)."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from itertools import islice

from pymongo.database import Database

from shared.store import insert_new
from services.registry.adapters.stats import offset_key
from services.registry.adapters.summaries import HouseholdSummaries
from services.registry.adapters.warnings import Warnings

log = logging.getLogger(__name__)
UPGRADE = "households: summary, offsets and warnings apart from the file"
READ = {"summary": 1, "applied": 1, "warnings": 1, "county_code": 1, "village_code": 1}


def offsets_of(applied: dict) -> dict:
    """{topic~name:partition: the last offset applied} from ``applied`` values
    ('topic:partition:offset|first')."""
    offsets: dict = {}
    for value in (applied or {}).values():
        position = value.split("|")[0]
        topic_partition, _, offset = position.rpartition(":")
        key = offset_key(topic_partition)
        offsets[key] = max(offsets.get(key, -1), int(offset))
    return offsets


def upgrade(db: Database, batch: int = 1000) -> dict:
    upgrades = db["upgrades"]
    if (upgrades.find_one({"_id": UPGRADE}) or {}).get("done"):
        return {}
    moved = 0
    files = db["households"].find({"applied": {"$exists": True}}, READ, batch_size=batch)
    while True:
        chunk = list(islice(files, batch))
        if not chunk:
            break
        _move(db, chunk)
        moved += len(chunk)
    upgrades.update_one({"_id": UPGRADE}, {"$set": {"done": True, "files": moved, "at": datetime.now(timezone.utc)}},
                        upsert=True)
    return {"files": moved} if moved else {}


def _move(db: Database, files: list[dict]) -> None:
    insert_new(HouseholdSummaries(db).summaries,
               [{"_id": f["_id"], "summary": f["summary"], "offsets": offsets_of(f.get("applied"))}
                for f in files if (f.get("summary") or {}).get("events")])
    Warnings(db).add_many([{**w, "_id": w["event_id"], "household_id": f["_id"], "county_code": f["county_code"],
                            "village_code": f["village_code"]} for f in files for w in f.get("warnings") or []])
