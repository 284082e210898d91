"""What every tourism collection shares: writes that carry their events (outbox) and a
short history of them in the same document, lists with search and paging."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from pymongo import DESCENDING
from pymongo.collection import Collection

from shared import outbox
from shared.programs.records import PUBLIC
from shared.programs.refused import Refused
from shared.programs.history import entry_of



def now() -> datetime:
    return datetime.now(timezone.utc)


def insert(collection: Collection, document: dict, events: list[dict]) -> None:
    """Insert a record with its events and their history entries in one write."""
    if not events:
        # Nothing to publish (a cooperative is not a household): a plain insert, so the
        # relay is not sent to look at a document with nothing pending.
        collection.insert_one({**document, "events": []})
        return
    outbox.insert(collection, {**document, "events": [entry_of([e]) for e in events]}, *events)


def update(collection: Collection, query: dict, change: dict, events: list[dict]) -> bool:
    """Change one record and queue its events (with history entries) in one write; False
    when ``query`` no longer matches (someone changed the record meanwhile)."""
    change = {op: dict(fields) for op, fields in change.items()}
    if events:
        change.setdefault("$push", {})["events"] = {"$each": [entry_of([e]) for e in events]}
    return bool(outbox.update(collection, query, change, *events).matched_count)


def versioned_update(collection: Collection, record: dict, sets: dict, by: str, events: list[dict],
                     extra: dict | None = None) -> None:
    """Compare-and-set on ``version``: an edit made from a stale read is refused, not merged."""
    change = {"$set": {**sets, "updated_at": now(), "updated_by": by}, "$inc": {"version": 1}, **(extra or {})}
    if not update(collection, {"_id": record["_id"], "version": record["version"]}, change, events):
        raise Refused("the record changed meanwhile; reload it and try again", "version")


def search(text: str | None, *fields: str) -> dict:
    """Case-insensitive 'contains' on some fields (ids are matched from their start)."""
    if not text:
        return {}
    pattern = re.escape(text.strip())
    return {"$or": [{f: {"$regex": ("^" + pattern) if f.endswith("_id") or f == "_id" else pattern,
                         "$options": "i"}} for f in fields]}


def page(collection: Collection, query: dict, skip: int, limit: int,
         sort: list | None = None) -> tuple[list[dict], int]:
    cursor = collection.find(query, PUBLIC).sort(sort or [("created_at", DESCENDING)]).skip(skip).limit(limit)
    return list(cursor), collection.count_documents(query)
