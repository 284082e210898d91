"""The transactional outbox.

FerretDB has no multi-document transactions, so a state change and the events it must
publish are written *in the same document*: the document carries ``outbox`` (a list of
pending envelopes) and ``outbox_pending: true``. Either the whole write happens or none
of it does. Each append also increments ``outbox_rev``, so the relay can remove what it
published with a compare-and-set on that revision (FerretDB cannot ``$pull`` by a
condition on sub-documents). The relay (``python -m shared.relay``) publishes pending events in the order
they were recorded, waits for the broker's acknowledgement (acks=all), then removes them
from the document. A crash between publish and removal publishes the event again with
the same id; consumers are idempotent by event id, so it is counted once.
"""
from __future__ import annotations

from pymongo.collection import Collection

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope

PENDING_FIELD = "outbox"
FLAG_FIELD = "outbox_pending"
REV_FIELD = "outbox_rev"


def event(type_name: str, source: str, subject: str, data: dict) -> dict:
    """A validated event, ready to embed in the document that records the change."""
    return CATALOGUE.new_event(type_name, source, subject, data).to_dict()


def with_events(document: dict, *events: dict) -> dict:
    """A new document that carries its events: insert it with one insert_one."""
    return {**document, PENDING_FIELD: list(events), FLAG_FIELD: True, REV_FIELD: 1}


def push_events(*events: dict) -> dict:
    """Update operators that append events to an existing document in the same update."""
    return {"$push": {PENDING_FIELD: {"$each": list(events)}}, "$set": {FLAG_FIELD: True},
            "$inc": {REV_FIELD: 1}}


def merge_update(update: dict, *events: dict) -> dict:
    """Merge the outbox operators into an update that has its own $set/$push/..."""
    extra = push_events(*events)
    merged = {op: dict(fields) for op, fields in update.items()}
    for op, fields in extra.items():
        merged.setdefault(op, {}).update(fields)
    return merged


def ensure_outbox_index(collection: Collection) -> None:
    collection.create_index(FLAG_FIELD, sparse=True)


def pending(collection: Collection, limit: int) -> list[dict]:
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
        doc = collection.find_one({"_id": doc["_id"]}, {PENDING_FIELD: 1, REV_FIELD: 1})


def envelopes_of(doc: dict) -> list[Envelope]:
    return [Envelope.from_dict(raw) for raw in doc.get(PENDING_FIELD, [])]
