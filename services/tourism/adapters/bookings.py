"""Bookings of homestays: recorded (income to the household) and cancelled (income reversed)."""
from __future__ import annotations

from datetime import date

from pymongo import ASCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.types import tourism as ev
from shared.programs.refused import Refused
from shared.programs.records import PUBLIC, scoped
from services.tourism.adapters import records
from services.tourism.domain.bookings import month_of, nights
from services.tourism.domain.ids import new_booking_id

BOOKED, CANCELLED = "booked", "cancelled"


class BookingRepository:
    def __init__(self, db: Database):
        self.bookings = db["bookings"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.bookings)
        self.bookings.create_index([("homestay_id", ASCENDING)])
        self.bookings.create_index([("household_id", ASCENDING)])
        self.bookings.create_index([("county_code", ASCENDING), ("month", ASCENDING)])

    def record(self, fields: dict, homestay: dict, by: str) -> dict:
        check_in, check_out = fields["check_in"], fields["check_out"]
        doc = {"_id": new_booking_id(), "homestay_id": homestay["_id"], "homestay_name": homestay["name"],
               "household_id": homestay["household_id"], "county_code": homestay["county_code"],
               "guest_name": fields.get("guest_name", ""), "guests": fields["guests"],
               "check_in": check_in.isoformat(), "check_out": check_out.isoformat(),
               "nights": nights(check_in, check_out), "month": month_of(check_in), "channel": fields["channel"],
               "amount_fen": fields["amount_fen"], "income_fen": fields["income_fen"], "status": BOOKED,
               "created_at": records.now(), "created_by": by}
        # The guest's name stays here: the registry's files need no personal data of visitors.
        event = outbox.event(ev.BOOKING_RECORDED.type, "tourism", doc["household_id"], {
            "household_id": doc["household_id"], "recorded_by": by, "booking_id": doc["_id"],
            **{k: doc[k] for k in ("homestay_id", "homestay_name", "check_in", "check_out", "nights", "guests",
                                   "channel", "amount_fen", "income_fen")}})
        records.insert(self.bookings, doc, [event])
        return self.get(doc["_id"])

    def cancel(self, booking: dict, cancelled_on: date, reason: str, by: str) -> dict:
        if booking["status"] != BOOKED:
            raise Refused(f"booking {booking['_id']} is already {booking['status']}", "status")
        event = outbox.event(ev.BOOKING_CANCELLED.type, "tourism", booking["household_id"], {
            "household_id": booking["household_id"], "recorded_by": by, "booking_id": booking["_id"],
            "homestay_id": booking["homestay_id"], "homestay_name": booking["homestay_name"],
            "check_in": booking["check_in"], "cancelled_on": cancelled_on.isoformat(), "reason": reason,
            "amount_fen": booking["amount_fen"], "income_fen": booking["income_fen"]})
        # Guarded by the status: of two cancellations at once, one reverses the income.
        done = records.update(self.bookings, {"_id": booking["_id"], "status": BOOKED}, {"$set": {
            "status": CANCELLED, "cancelled_on": cancelled_on.isoformat(), "cancel_reason": reason,
            "updated_at": records.now(), "updated_by": by}}, [event])
        if not done:
            raise Refused(f"booking {booking['_id']} is already cancelled", "status")
        return self.get(booking["_id"])

    def get(self, booking_id: str) -> dict | None:
        return self.bookings.find_one({"_id": booking_id}, PUBLIC)

    def list(self, scope: dict, q: str | None = None, status: str | None = None, month: str | None = None,
             county_code: str | None = None, homestay_id: str | None = None, household_id: str | None = None,
             skip: int = 0, limit: int = 50) -> tuple[list[dict], int]:
        query = scoped(scope, status=status, month=month, county_code=county_code,
                               homestay_id=homestay_id, household_id=household_id)
        query.update(records.search(q, "homestay_name", "guest_name", "household_id", "_id"))
        return records.page(self.bookings, query, skip, limit)
