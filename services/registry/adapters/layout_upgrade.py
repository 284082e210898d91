"""Brings an earlier release's household files to the layout the batched consumer writes:
each file's ``summary`` and the per-partition offsets read from its ``applied`` map go to
``household_summaries``, its ``warnings`` to the ``warnings`` collection.

Run by the consumer at start, before its first poll (as the statistics upgrade is). Resumable:
files are read in ``_id`` order from the last one done (kept in ``upgrades``), and every write
is an insert keyed as the consumer keys it, so a second run, or one that stopped half-way,
writes nothing twice. The files keep their ``applied`` map: a redelivered event whose history
entry an earlier release wrote (without ``position``) is judged by it (events.py)."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from pymongo.database import Database

from shared.store import insert_new
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
        key = topic_partition.replace(".", "~")
        offsets[key] = max(offsets.get(key, -1), int(offset))
    return offsets


def upgrade(db: Database, batch: int = 1000) -> dict:
    upgrades = db["upgrades"]
    state = upgrades.find_one({"_id": UPGRADE}) or {}
    if state.get("done"):
        return {}
    summaries, warnings = HouseholdSummaries(db).summaries, Warnings(db)
    after, moved = state.get("after", ""), state.get("files", 0)
    while True:
        files = list(db["households"].find({"_id": {"$gt": after}}, READ).sort("_id", 1).limit(batch))
        if not files:
            break
        insert_new(summaries, [{"_id": f["_id"], "summary": f["summary"], "offsets": offsets_of(f.get("applied"))}
                               for f in files if (f.get("summary") or {}).get("events")])
        warnings.add_many([{**w, "_id": w["event_id"], "household_id": f["_id"], "county_code": f["county_code"],
                            "village_code": f["village_code"]} for f in files for w in f.get("warnings") or []])
        after, moved = files[-1]["_id"], moved + len(files)
        upgrades.update_one({"_id": UPGRADE}, {"$set": {"after": after, "files": moved}}, upsert=True)
    upgrades.update_one({"_id": UPGRADE}, {"$set": {"done": True, "at": datetime.now(timezone.utc)}}, upsert=True)
    return {"files": moved}
