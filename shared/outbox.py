"""The transactional outbox.

The local store has no multi-document transactions, so a state change and the events it
must publish are written *in the same document*: the document carries ``outbox`` (pending
envelopes), ``outbox_pending: true`` and ``outbox_rev`` (incremented by every append).
Either the whole write happens or none of it does.

Write through ``insert``/``insert_many``/``update`` here: after the atomic write they also
bump a small *mark* document (``outbox_marks``) that tells the relay where to look. The
store scans whole collections for anything but ``_id`` (FerretDB: ~0.7 ms a document), so
the relay reads marks, not the collections; a periodic sweep of ``outbox_pending`` catches
a writer that died between its write and its mark. The relay publishes, waits for the
broker (acks=all), removes what it sent with a compare-and-set on ``outbox_rev`` (FerretDB
cannot ``$pull`` by a condition on sub-documents) and clears the mark only if no writer
bumped it meanwhile. A crash after publishing publishes again with the same event id;
consumers are idempotent by event id, so it is counted once."""
from __future__ import annotations

from pymongo.collection import Collection

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope
from shared.store import insert_new

PENDING_FIELD = "outbox"
FLAG_FIELD = "outbox_pending"
REV_FIELD = "outbox_rev"
MARKS = "outbox_marks"


def event(type_name: str, source: str, subject: str, data: dict) -> dict:
    """A validated event, ready to embed in the document that records the change."""
    return CATALOGUE.new_event(type_name, source, subject, data).to_dict()


def with_events(document: dict, *events: dict) -> dict:
    """A new document that carries its events."""
    return {**document, PENDING_FIELD: list(events), FLAG_FIELD: True, REV_FIELD: 1}


def merge_update(update: dict, *events: dict) -> dict:
    """Add the outbox operators to an update that has its own $set/$push/…"""
    extra = {"$push": {PENDING_FIELD: {"$each": list(events)}}, "$set": {FLAG_FIELD: True},
             "$inc": {REV_FIELD: 1}}
    merged = {op: dict(fields) for op, fields in update.items()}
    for op, fields in extra.items():
        merged.setdefault(op, {}).update(fields)
    return merged


# --- writing ------------------------------------------------------------------------------
def insert(collection: Collection, document: dict, *events: dict):
    """Insert a document with its events in one write (DuplicateKeyError passes through)."""
    result = collection.insert_one(with_events(document, *events))
    _mark(collection, document["_id"])
    return result


def insert_many(collection: Collection, documents: list[tuple[dict, list[dict]]]) -> set:
    """Insert many (document, events) at once; returns the ids that already existed.

    The marks go in one insert_many too (one upsert each made a 20,000-household import take
    7 minutes instead of 1); a mark already there is bumped as ``_mark`` does, so the relay's
    compare-and-set on it still holds."""
    existing = insert_new(collection, [with_events(doc, *events) for doc, events in documents])
    marks = collection.database[MARKS]
    new = [{"_id": _mark_id(collection, doc["_id"]), "n": 1} for doc, _ in documents if doc["_id"] not in existing]
    for mark_id in insert_new(marks, new):
        marks.update_one({"_id": mark_id}, {"$inc": {"n": 1}}, upsert=True)
    return existing


def update(collection: Collection, query: dict, change: dict, *events: dict):
    """Apply ``change`` to the one document matching ``query`` and queue ``events`` in the
    same atomic write. Without events it is a plain update_one."""
    if not events:
        return collection.update_one(query, change)
    result = collection.update_one(query, merge_update(change, *events))
    if result.modified_count:
        _mark(collection, query["_id"])
    return result


def _mark_id(collection: Collection, doc_id) -> str:
    return f"{collection.name}\x1f{doc_id}"


def _mark(collection: Collection, doc_id) -> None:
    collection.database[MARKS].update_one({"_id": _mark_id(collection, doc_id)}, {"$inc": {"n": 1}}, upsert=True)


# --- relaying ------------------------------------------------------------------------------
def ensure_outbox_index(collection: Collection) -> None:
    collection.create_index(FLAG_FIELD, sparse=True)


def marked(db, limit: int) -> list[tuple[str, object, dict]]:
    """(collection name, document id, mark) for documents writers flagged."""
    found = []
    for mark in db[MARKS].find({}).limit(limit):
        name, _, doc_id = mark["_id"].partition("\x1f")
        found.append((name, doc_id, mark))
    return found


def clear_mark(db, mark: dict) -> None:
    """Remove a mark unless a writer bumped it since it was read."""
    db[MARKS].delete_one({"_id": mark["_id"], "n": mark["n"]})


def pending_doc(collection: Collection, doc_id) -> dict | None:
    return collection.find_one({"_id": doc_id}, {PENDING_FIELD: 1, REV_FIELD: 1})


def pending(collection: Collection, limit: int) -> list[dict]:
    """Every document with unsent events: a full scan, for the relay's periodic sweep."""
    return list(collection.find({FLAG_FIELD: True}, {PENDING_FIELD: 1, REV_FIELD: 1}).limit(limit))


def mark_sent(collection: Collection, doc: dict, event_ids: list[str]) -> None:
    """Remove published events from the document read as ``doc``.

    Compare-and-set on the revision: if a writer appended an event meanwhile, re-read and
    keep what is still unpublished. Nothing appended is ever lost."""
    sent = set(event_ids)
    while doc is not None:
        remaining = [e for e in doc.get(PENDING_FIELD, []) if e["id"] not in sent]
        result = collection.update_one(
            {"_id": doc["_id"], REV_FIELD: doc.get(REV_FIELD)},
            {"$set": {PENDING_FIELD: remaining, FLAG_FIELD: bool(remaining)}})
        if result.matched_count:
            return
        doc = pending_doc(collection, doc["_id"])


def envelopes_of(doc: dict) -> list[Envelope]:
    return [Envelope.from_dict(raw) for raw in doc.get(PENDING_FIELD, [])]

