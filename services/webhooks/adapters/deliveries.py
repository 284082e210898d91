"""Deliveries: one document per (event, endpoint) — its ``_id`` — holding the payload, its
state and the log of its attempts, so a restart loses nothing and a record read twice from
Kafka is stored once.

What is still to be sent is also in a small ``delivery_queue`` collection (same ``_id``):
the dispatcher polls it every half second, and the local store scans whole collections for
anything but ``_id``, so the poll must not read the whole history (measured: 3–5 s a poll
over 5,000 deliveries, milliseconds over the queue). The queue entry is written before the
delivery and removed after the delivery's final state; a crash in between leaves an entry
whose delivery is settled (dropped when next claimed) or, at intake, a record whose offset
was not committed (read again, both writes are idempotent)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from pymongo import ReturnDocument
from pymongo.database import Database

from shared.store import insert_new
from services.webhooks.domain.ordering import PENDING, is_head

DELIVERED, FAILED = "delivered", "failed"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
PARKED = datetime(9999, 1, 1, tzinfo=timezone.utc)
QUEUE_FIELDS = ("endpoint_id", "line", "seq", "next_at", "lease_until")


def message_id(delivery_id: str) -> str:
    """The ``webhook-id``: the same for every attempt and replay of a delivery, so a receiver
    that dedupes by it applies each event once."""
    return "msg_" + hashlib.sha256(delivery_id.encode()).hexdigest()[:32]


def new_delivery(delivery_id: str, endpoint: dict, payload: dict, now: datetime, household_id: str | None = None,
                 seq: int = 0, event_id: str | None = None, kind: str = "event", msg_id: str | None = None) -> dict:
    return {"_id": delivery_id, "msg_id": msg_id or message_id(delivery_id), "endpoint_id": endpoint["_id"],
            "partner_id": endpoint["partner_id"], "event_id": event_id, "type": payload["type"],
            "household_id": household_id, "line": household_id if kind == "event" else None, "seq": seq,
            "kind": kind, "payload": payload, "status": PENDING, "attempts": 0, "next_at": now,
            "lease_until": EPOCH, "created_at": now, "occurred_at": payload.get("occurred_at"), "log": [],
            "last_status_code": None, "delivered_at": None}


class DeliveryRepository:
    def __init__(self, db: Database):
        self.deliveries = db["deliveries"]
        self.queue = db["delivery_queue"]

    def ensure_indexes(self) -> None:
        self.queue.create_index([("next_at", 1)])
        self.queue.create_index([("endpoint_id", 1), ("line", 1), ("seq", 1)])
        self.deliveries.create_index([("endpoint_id", 1), ("created_at", -1)])

    def add(self, documents: list[dict]) -> set:
        """Queue and store what is new; returns the ids already stored (a record read again)."""
        insert_new(self.queue, [{"_id": d["_id"], **{k: d[k] for k in QUEUE_FIELDS}} for d in documents])
        return insert_new(self.deliveries, documents)

    def get(self, delivery_id: str) -> dict | None:
        return self.deliveries.find_one({"_id": delivery_id})

    # --- the queue ------------------------------------------------------------------
    def due(self, now: datetime, limit: int = 500) -> list[dict]:
        return list(self.queue.find({"next_at": {"$lte": now}, "lease_until": {"$lte": now}})
                    .sort("next_at", 1).limit(limit))

    def blocker(self, entry: dict) -> dict | None:
        """The earlier delivery of the same household still waiting on this endpoint, if any."""
        if not entry.get("line"):
            return None
        earlier = [{**e, "status": PENDING} for e in
                   self.queue.find({"endpoint_id": entry["endpoint_id"], "line": entry["line"],
                                    "seq": {"$lt": entry["seq"]}}).sort("seq", 1).limit(1)]
        return None if is_head(entry, earlier) else earlier[0]

    def defer(self, entry: dict, until: datetime) -> None:
        """Not before the delivery ahead of it: keeps waiting lines out of the due list."""
        self.queue.update_one({"_id": entry["_id"], "next_at": {"$lt": until}}, {"$set": {"next_at": until}})

    def park(self, endpoint_id: str) -> None:
        """An endpoint switched off: its deliveries wait (not due) until it is switched on."""
        self.queue.update_many({"endpoint_id": endpoint_id}, {"$set": {"next_at": PARKED}})

    def unpark(self, endpoint_id: str, now: datetime) -> None:
        self.queue.update_many({"endpoint_id": endpoint_id, "next_at": PARKED}, {"$set": {"next_at": now}})

    def waiting(self, endpoint_id: str) -> int:
        return self.queue.count_documents({"endpoint_id": endpoint_id})

    def claim(self, delivery_id: str, now: datetime, lease_seconds: float) -> dict | None:
        """Take a delivery for one attempt; another worker (or this one after a crash) may
        take it again only once the lease ran out. None: not due, or already settled."""
        entry = self.queue.find_one_and_update(
            {"_id": delivery_id, "lease_until": {"$lte": now}},
            {"$set": {"lease_until": now + timedelta(seconds=lease_seconds)}}, return_document=ReturnDocument.AFTER)
        if entry is None:
            return None
        delivery = self.get(delivery_id)
        if delivery is None:   # its record was not committed: the consumer writes it again
            self.queue.update_one({"_id": delivery_id}, {"$set": {"lease_until": EPOCH}})
            return None
        if delivery["status"] != PENDING:   # settled just before a crash: the entry is stale
            self.queue.delete_one({"_id": delivery_id})
            return None
        return delivery

    def record_attempt(self, delivery: dict, entry: dict, status: str, next_at: datetime | None) -> None:
        change = {"$set": {"status": status, "last_status_code": entry.get("status_code"),
                           "next_at": next_at or entry["at"]},
                  "$inc": {"attempts": 1}, "$push": {"log": entry}}
        if status == DELIVERED:
            change["$set"]["delivered_at"] = entry["at"]
        self.deliveries.update_one({"_id": delivery["_id"]}, change)
        if status == PENDING:
            self.queue.update_one({"_id": delivery["_id"]}, {"$set": {"next_at": next_at, "lease_until": EPOCH}})
        else:
            self.queue.delete_one({"_id": delivery["_id"]})

    # --- the log --------------------------------------------------------------------
    def for_endpoint(self, endpoint_id: str, status: str | None = None, skip: int = 0,
                     limit: int = 50) -> tuple[list[dict], int]:
        query = {"endpoint_id": endpoint_id, **({"status": status} if status else {})}
        items = list(self.deliveries.find(query, {"payload": 0}).sort("created_at", -1).skip(skip).limit(limit))
        return items, self.deliveries.count_documents(query)

    def in_range(self, endpoint_id: str, start: datetime, end: datetime) -> list[dict]:
        return list(self.deliveries.find({"endpoint_id": endpoint_id, "kind": "event",
                                          "created_at": {"$gte": start, "$lte": end}}).sort("created_at", 1))

    def replay(self, original: dict, endpoint: dict, now: datetime) -> dict:
        """A new delivery of the same message (same ``webhook-id``), outside any household's line."""
        n = self.deliveries.count_documents({"replay_of": original["_id"]}) + 1
        doc = new_delivery(f"{original['_id']}:replay{n}", endpoint, original["payload"], now,
                           original.get("household_id"), original.get("seq", 0), original.get("event_id"),
                           kind="replay", msg_id=original["msg_id"])
        doc["replay_of"] = original["_id"]
        self.add([doc])
        return doc
