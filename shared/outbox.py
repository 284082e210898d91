"""The transactional outbox.

The local store has no multi-document transactions, so a state change and the events it
must publish are written *in the same document*: the document carries ``outbox`` (pending
envelopes), ``outbox_pending: true`` and ``outbox_rev`` (incremented by every append).
Either the whole write happens or none of it does.

Write through ``insert``/``insert_many``/``update`` here: after the atomic write they also
*append* a mark (``outbox_marks``, ``_id`` "<collection>\x1f<doc id>\x1f<first event id>")
that tells the relay where to look. A mark is only ever inserted and deleted, never updated:
on the local store an insert costs a fraction of an update, and a relay deleting the marks
it read cannot lose one that a writer added meanwhile (that one has another ``_id``).

- The mark of an **insert** carries a copy of its events (one JSON string, which the store
  decodes ~2.5x faster than the same events as sub-documents), so the relay publishes them
  without reading the document: the document was written before its mark, and no other
  write can come before an insert. Events the relay has recorded already are skipped.
- The mark of an **update** names the document only: the relay reads it and publishes what
  it holds unsent, in the order the writes were committed (two writers of one document may
  insert their marks in the other order).
- A writer that died between its write and its mark is found by the relay's periodic sweep
  of ``outbox_pending`` (indexed), which marks documents holding unsent events that have no
  mark.

The relay reads a batch of marks (one find), records the batch (``outbox_sent``: one
appended document per batch, with per document its collection, id, event ids and a
revision), deletes the batch's marks (one ``delete_many``; the record says what they said),
publishes, waits for the broker once (acks=all) and appends one small document to
``outbox_acked``. Clearing the events out of their documents costs this store one rewrite
per document however it is sent, so the relay does it between batches (``compact``), for
acknowledged batches only: the revision is one at which every event the document held was
in that batch or an earlier one, and the documents still at it are cleared by one
``update_many`` per revision (a compare-and-set: a document a writer appended to meanwhile
does not match, and is cleared by ``mark_sent``'s per-document compare-and-set — FerretDB
cannot ``$pull`` by a condition on sub-documents); then the batch's records are deleted.
The relay keeps the ids of the events recorded and not yet cleared in memory (loaded at its
start), and leaves them out of what it publishes.

A crash anywhere publishes again at most (consumers are idempotent by event id): before
the batch's record, its marks are still there; after it and before the acknowledgement, a
starting relay publishes the batch again from its documents (they are not cleared before
the acknowledgement; a document a writer deleted meanwhile takes its events along, as it
always did); after the acknowledgement, nothing of it goes out again. One limit:
an insert's mark that lands after its events were published through another path (an
update of the same document, or the sweep) *and* cleared publishes them a second time,
after later ones — the writer must have stalled between its two writes for longer than the
relay took to publish and clear them. The households read model keeps the newest version.

An earlier release's marks (``{_id: "<collection>\x1f<doc id>", n}``, bumped by ``$inc``)
are read like an update's, and deleted with a compare-and-set on ``n`` as that release did;
its documents have the same fields."""
from __future__ import annotations

import json
from collections import defaultdict

import bson
from bson import Binary, ObjectId
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope
from shared.store import insert_new

PENDING_FIELD = "outbox"
FLAG_FIELD = "outbox_pending"
REV_FIELD = "outbox_rev"
MARKS = "outbox_marks"
SENT = "outbox_sent"
ACKED = "outbox_acked"
SEP = "\x1f"
PROJECTION = {PENDING_FIELD: 1, REV_FIELD: 1}
# The local store answers an _id $in of up to 1,000 values from the index, more by a scan.
IN_CHUNK = 500


def event(type_name: str, source: str, subject: str, data: dict, time: str | None = None) -> dict:
    """A validated event, ready to embed in the document that records the change (``time``:
    when it happened, if not the day its data names or now; see Catalogue.new_event)."""
    return CATALOGUE.new_event(type_name, source, subject, data, time).to_dict()


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
    _mark(collection, mark_of(collection.name, document["_id"], events, carried=True))
    return result


def insert_many(collection: Collection, documents: list[tuple[dict, list[dict]]]) -> set:
    """Insert many (document, events) at once; returns the ids that already existed. The
    marks go in one insert_many too."""
    existing = insert_new(collection, [with_events(doc, *events) for doc, events in documents])
    insert_new(collection.database[MARKS], [mark_of(collection.name, doc["_id"], events, carried=True)
                                            for doc, events in documents if doc["_id"] not in existing])
    return existing


def update(collection: Collection, query: dict, change: dict, *events: dict):
    """Apply ``change`` to the one document matching ``query`` and queue ``events`` in the
    same atomic write. Without events it is a plain update_one."""
    if not events:
        return collection.update_one(query, change)
    result = collection.update_one(query, merge_update(change, *events))
    if result.modified_count:
        _mark(collection, mark_of(collection.name, query["_id"], events))
    return result


def mark_of(name: str, doc_id, events, carried: bool = False) -> dict:
    """The mark of one write. Its ``_id`` is fixed by the write's first event (a sweep marking
    the same events again adds nothing) and starts with the collection's name. An insert's
    mark carries its events (``carried``)."""
    first = events[0]["id"] if events else ""
    mark = {"_id": f"{name}{SEP}{doc_id}{SEP}{first}", "c": name, "d": doc_id}
    if carried:
        try:
            mark["e"] = json.dumps(list(events), ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            pass  # not JSON as it stands: the relay reads the document instead
    return mark


def _mark(collection: Collection, mark: dict) -> None:
    try:
        collection.database[MARKS].insert_one(mark)
    except DuplicateKeyError:
        pass  # the sweep marked these events already


# --- relaying ------------------------------------------------------------------------------
def ensure_outbox_index(collection: Collection) -> None:
    collection.create_index(FLAG_FIELD, sparse=True)


def marked(db, limit: int) -> list[tuple[str, object, dict]]:
    """(collection name, document id, mark) for documents writers flagged."""
    found = []
    for mark in db[MARKS].find({}).limit(limit):
        if "c" in mark:
            found.append((mark["c"], mark["d"], mark))
        else:  # an earlier release's mark: "<collection>\x1f<doc id>", with a counter
            name, _, doc_id = mark["_id"].partition(SEP)
            found.append((name, doc_id, mark))
    return found


def to_publish(db, names, marks, sent: set) -> list[tuple[str, object, list[dict], object]]:
    """(collection, document id, events to publish in order, revision) for what ``marks``
    name, in the marks' order, leaving out the events in ``sent``: an insert's events from
    its mark, other documents read in one find per collection."""
    carried, read, order = {}, defaultdict(list), {}
    for name, doc_id, mark in marks:
        if name not in names:
            continue
        key = (name, doc_id)
        order.setdefault(key, None)
        if "e" in mark:
            carried.setdefault(key, json.loads(mark["e"]))
        else:
            read[name].append(doc_id)
    found = {}
    for name, doc_ids in read.items():
        for doc, events in unsent(pending_docs(db[name], doc_ids), sent):
            # Read, a document gives its insert's events too, in the order of its writes.
            found[(name, doc["_id"])] = (events, doc.get(REV_FIELD))
    for key, events in carried.items():
        if key[1] not in read.get(key[0], ()):
            found[key] = ([e for e in events if e["id"] not in sent], 1)
    return [(name, doc_id, *found[(name, doc_id)]) for name, doc_id in order
            if (name, doc_id) in found and found[(name, doc_id)][0]]


def clear_marks(db, marks: list[dict]) -> None:
    """Delete the marks read: appended marks in one delete_many (a writer's later mark has
    another _id); an earlier release's counted mark only if no writer bumped it since."""
    for ids in _chunks([m["_id"] for m in marks if "n" not in m]):
        db[MARKS].delete_many({"_id": {"$in": ids}})
    for mark in marks:
        if "n" in mark:
            clear_mark(db, mark)


def clear_mark(db, mark: dict) -> None:
    """Remove an earlier release's counted mark unless a writer bumped it since it was read."""
    db[MARKS].delete_one({"_id": mark["_id"], "n": mark["n"]})


def pending_doc(collection: Collection, doc_id) -> dict | None:
    return collection.find_one({"_id": doc_id}, PROJECTION)


def pending_docs(collection: Collection, doc_ids) -> list[dict]:
    """The outbox of each of these documents, in one find per 500 (answered from the _id index)."""
    return [doc for ids in _chunks(list(dict.fromkeys(doc_ids))) for doc in collection.find({"_id": {"$in": ids}}, PROJECTION)]


def _chunks(ids: list) -> list[list]:
    return [ids[k:k + IN_CHUNK] for k in range(0, len(ids), IN_CHUNK)]


def pending(collection: Collection, limit: int) -> list[dict]:
    """Documents flagged with events (the flag is indexed): the relay's periodic sweep."""
    return list(collection.find({FLAG_FIELD: True}, PROJECTION).limit(limit))


def unsent(docs: list[dict], sent: set) -> list[tuple[dict, list[dict]]]:
    """(document, its events not in ``sent``), in the order they were appended."""
    return [(doc, [e for e in doc.get(PENDING_FIELD, []) if e["id"] not in sent]) for doc in docs]


def claim(db, batch: list[tuple[str, object, list[str], object]]):
    """Record a batch about to be published in one appended document: per document its
    collection, id, event ids and a revision at which every event it held is in this batch
    or an earlier one. Returns the record's id. Its events stay in their documents until the
    broker has acknowledged it, so a relay that dies before can publish them again."""
    items = [{"c": name, "d": doc_id, "e": list(event_ids), "r": rev} for name, doc_id, event_ids, rev in batch]
    record_id = ObjectId()
    # As one BSON blob: the store decodes one field much faster than 500 sub-documents.
    db[SENT].insert_one({"_id": record_id, "p": Binary(bson.encode({"p": items}))})
    return record_id


def claimed_events(db, items: list[dict]) -> list[dict]:
    """The events of recorded batches, read again from their documents, in the batches' order."""
    held = {}
    by_collection = defaultdict(list)
    for item in items:
        by_collection[item["c"]].append(item["d"])
    for name, doc_ids in by_collection.items():
        for doc in pending_docs(db[name], doc_ids):
            held.update((e["id"], e) for e in doc.get(PENDING_FIELD, []))
    return [held[event_id] for item in items for event_id in item["e"] if event_id in held]


def acknowledge(db, record_ids: list) -> None:
    """The broker acknowledged these batches (one small appended document each)."""
    insert_new(db[ACKED], [{"_id": record_id} for record_id in record_ids])


def claims(db) -> tuple[list[tuple[object, list[dict]]], set]:
    """Every batch recorded and not yet cleared from its documents, oldest first, as
    (record id, items), and the ids of those the broker acknowledged."""
    records = sorted(db[SENT].find({}), key=lambda r: r["_id"])
    return [(r["_id"], _items(r)) for r in records], {a["_id"] for a in db[ACKED].find({})}


def _items(record: dict) -> list[dict]:
    return bson.decode(record["p"])["p"]


def remark(db, name: str, docs: list[dict], sent: set) -> int:
    """The sweep: mark the flagged documents that hold unsent events and have no mark (a
    writer died between its write and its mark); clear flagged documents with no events at
    all. Returns how many were marked."""
    candidates, empty = {}, []
    for doc, events in unsent(docs, sent):
        if events:
            mark = mark_of(name, doc["_id"], events)
            candidates[mark["_id"]] = mark
        elif not doc.get(PENDING_FIELD):
            empty.append(doc)
    present = {m["_id"] for ids in _chunks(list(candidates)) for m in db[MARKS].find({"_id": {"$in": ids}}, {"_id": 1})}
    missing = [mark for mark_id, mark in candidates.items() if mark_id not in present]
    insert_new(db[MARKS], missing)
    for doc in empty:
        mark_sent(db[name], doc, [])
    return len(missing)


def compact(db, fault=lambda point: None) -> set:
    """Clear the events of the oldest acknowledged batch out of their documents, then delete
    its records; returns the event ids cleared."""
    for ack in db[ACKED].find({}).sort("_id", 1).limit(10):
        record = db[SENT].find_one({"_id": ack["_id"]})
        if record is None:  # cleared already; the relay died before deleting this
            db[ACKED].delete_one({"_id": ack["_id"]})
            continue
        by_collection: dict[str, dict] = defaultdict(dict)
        cleared = set()
        for item in _items(record):
            ids = set(item["e"])
            before, rev = by_collection[item["c"]].get(item["d"], (set(), None))
            revs = [r for r in (rev, item.get("r")) if r is not None]
            by_collection[item["c"]][item["d"]] = (before | ids, max(revs) if revs else None)
            cleared |= ids
        for name, docs in by_collection.items():
            _clear(db[name], docs)
        fault("crash_in_compaction")
        db[SENT].delete_one({"_id": ack["_id"]})   # before its acknowledgement: never a batch that looks unsent
        db[ACKED].delete_one({"_id": ack["_id"]})
        return cleared
    return set()


def _clear(collection: Collection, docs: dict) -> None:
    """``docs``: {document id: (its sent event ids, a revision at which all it held was sent)}."""
    by_rev, check = defaultdict(list), []
    for doc_id, (_, rev) in docs.items():
        (by_rev[rev] if rev is not None else check).append(doc_id)
    for rev, same in by_rev.items():
        for ids in _chunks(same):
            # One write for the documents still at that revision: everything they hold is sent.
            result = collection.update_many({"_id": {"$in": ids}, REV_FIELD: rev},
                                            {"$set": {PENDING_FIELD: [], FLAG_FIELD: False}})
            if result.modified_count < len(ids):
                check += ids  # a writer appended to some meanwhile (or they were cleared already)
    for doc in pending_docs(collection, check):
        if doc.get(PENDING_FIELD):
            mark_sent(collection, doc, list(docs[doc["_id"]][0]))


def mark_sent(collection: Collection, doc: dict, event_ids: list[str]) -> None:
    """Remove published events from the document read as ``doc``.

    Compare-and-set on the revision: if a writer appended an event meanwhile, re-read and
    keep what is still unpublished. Nothing appended is ever lost."""
    sent = set(event_ids)
    while doc is not None:
        remaining = [e for e in doc.get(PENDING_FIELD, []) if e["id"] not in sent]
        if len(remaining) == len(doc.get(PENDING_FIELD, [])) and remaining:
            return  # none of them is here (any more)
        result = collection.update_one(
            {"_id": doc["_id"], REV_FIELD: doc.get(REV_FIELD)},
            {"$set": {PENDING_FIELD: remaining, FLAG_FIELD: bool(remaining)}})
        if result.matched_count:
            return
        doc = pending_doc(collection, doc["_id"])


def envelopes_of(doc: dict) -> list[Envelope]:
    return [Envelope.from_dict(raw) for raw in doc.get(PENDING_FIELD, [])]
