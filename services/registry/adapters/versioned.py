"""What the registry's files of villages and task forces share: a document with a version,
changed by a guarded write that queues its event in the same write (the transactional
outbox, shared/outbox.py), as the household files are."""
from __future__ import annotations

from pymongo.collection import Collection

from shared import outbox
from shared.events.envelope import utcnow_iso
from shared.store import WriteConflict

# The outbox's own fields: never part of what is shown or published.
HIDDEN = {outbox.PENDING_FIELD: 0, outbox.FLAG_FIELD: 0, outbox.REV_FIELD: 0}


def file_of(doc: dict) -> dict:
    """The document as people keep it (and as its events carry it)."""
    return {k: v for k, v in doc.items() if k not in HIDDEN}


def new_document(doc: dict, by: str) -> dict:
    now = utcnow_iso()
    return {**doc, "version": 1, "created_at": now, "created_by": by, "updated_at": now, "updated_by": by}


def guarded_update(collection: Collection, doc: dict, changes: dict, by: str, event_for) -> dict:
    """Set ``changes`` if the document is still at ``doc``'s version, with the event
    ``event_for(after)`` makes of the document after the change; the document after it."""
    after = {**doc, **changes, "version": doc["version"] + 1, "updated_at": utcnow_iso(), "updated_by": by}
    update = {"$set": {k: v for k, v in file_of(after).items() if k != "_id"}}
    result = outbox.update(collection, {"_id": doc["_id"], "version": doc["version"]}, update, event_for(after))
    if result.matched_count == 0:
        raise WriteConflict(f"{doc['_id']} changed meanwhile; reload and try again")
    return file_of(after)
