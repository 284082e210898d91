"""Bookings under /api/bookings: the income a homestay brings its household."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from shared.programs.refused import Refused
from shared.programs.refusals import abort_refused
from services.tourism.api.common import found, tourism
from services.tourism.api.schemas.bookings import (BookingCancelSchema, BookingCreateSchema, BookingPageSchema,
                                                   BookingQuerySchema, BookingSchema)

blp = Blueprint("bookings", __name__, url_prefix="/api/bookings",
                description="Bookings of homestays: income to the household; a cancellation reverses it")


@blp.route("")
class Bookings(MethodView):
    @blp.arguments(BookingQuerySchema, location="query")
    @blp.response(200, BookingPageSchema)
    def get(self, args):
        """Bookings in the caller's scope, newest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = tourism().bookings.list(
            principal.county_filter, args.get("q"), args.get("status"), args.get("month"), args.get("county_code"),
            args.get("homestay_id"), args.get("household_id"), skip, limit)
        return page_result(items, total, args)

    @blp.arguments(BookingCreateSchema)
    @blp.response(201, BookingSchema)
    @blp.alt_response(409, description="no such homestay, household not enrolled, or no valid safety inspection")
    @blp.alt_response(422, description="more guests than beds, or other input the rules refuse")
    def post(self, fields):
        """Record a booking; its income reaches the household's file through the registry."""
        t = tourism()
        try:
            homestay = t.homestay(fields["homestay_id"])
        except Refused as exc:
            authorize(WRITE)
            abort_refused(exc)
        principal = authorize(WRITE, county=homestay["county_code"])
        try:
            return t.record_booking(homestay, fields, principal.username)
        except Refused as exc:
            abort_refused(exc)


@blp.route("/<booking_id>")
class Booking(MethodView):
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        """One booking, with its own event history."""
        booking = found(tourism().bookings.get(booking_id), "booking", booking_id)
        authorize(READ, county=booking["county_code"])
        return booking


@blp.route("/<booking_id>/cancel")
class Cancel(MethodView):
    @blp.arguments(BookingCancelSchema)
    @blp.response(200, BookingSchema)
    @blp.alt_response(409, description="already cancelled")
    def post(self, fields, booking_id):
        """Cancel a booking: its income to the household is reversed."""
        booking = found(tourism().bookings.get(booking_id), "booking", booking_id)
        principal = authorize(WRITE, county=booking["county_code"])
        try:
            return tourism().cancel_booking(booking, fields, principal.username)
        except Refused as exc:
            abort_refused(exc)
