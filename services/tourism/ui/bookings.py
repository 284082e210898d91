"""Pages for bookings: the list (the start page), the form to record one, a booking's page."""
from datetime import date
from functools import partial

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.events.types.tourism import BOOKING_CHANNELS
from shared.web.forms import int_or_text, yuan_to_fen
from shared.programs.forms import form_page, listing, record_or_404, submit, submit_on, text
from services.tourism.api.schemas.bookings import BookingCancelSchema, BookingCreateSchema, BookingQuerySchema
from services.tourism.ui.blueprint import PER_PAGE, bp, tourism

LIST_FILTERS = ("q", "status", "month", "county_code", "homestay_id")


@bp.get("/")
@require(READ)
def index():
    shown = listing(*LIST_FILTERS, schema=BookingQuerySchema, per_page=PER_PAGE)
    query = shown.query
    items, total = tourism().bookings.list(shown.principal.county_filter, query.get("q"), query.get("status"),
                                           query.get("month"), query.get("county_code"), query.get("homestay_id"),
                                           None, *shown.window)
    return shown.render("tourism/bookings.html", items, total)


def _booking() -> dict:
    payload = text("homestay_id", "guest_name", "check_in", "check_out", "channel")
    payload["guests"] = int_or_text(request.form.get("guests", ""))
    payload["amount_fen"] = yuan_to_fen(request.form.get("amount_yuan", ""))
    payload["income_fen"] = yuan_to_fen(request.form.get("income_yuan", ""))
    return payload


def _homestay_booked(fields: dict) -> dict:
    return tourism().homestay(fields["homestay_id"])


@bp.route("/bookings/new", methods=["GET", "POST"])
@require(WRITE)
def new_booking():
    errors, values = {}, request.form
    if request.method == "POST":
        booking, errors = submit_on(BookingCreateSchema, _booking(), _homestay_booked, tourism().record_booking)
        if not errors:
            flash(_("Booking %(id)s recorded.", id=booking["_id"]))
            return redirect(url_for("tourism_ui.booking", booking_id=booking["_id"]))
    else:
        values = {"homestay_id": request.args.get("homestay_id", ""), "check_in": date.today().isoformat(),
                  "guests": "2", "channel": "walk_in"}
    homestay = tourism().homestays.get(values.get("homestay_id", "")) if values.get("homestay_id") else None
    return form_page("tourism/booking_form.html", errors, values=values, homestay=homestay, channels=BOOKING_CHANNELS)


def _booking_page(booking_id: str, errors: dict | None = None, values=None):
    booking, _principal = record_or_404(tourism().bookings.get(booking_id))
    return form_page("tourism/booking.html", errors or {}, b=booking, values=values or {})


@bp.get("/bookings/<booking_id>")
@require(READ)
def booking(booking_id):
    return _booking_page(booking_id)


@bp.post("/bookings/<booking_id>/cancel")
@require(WRITE)
def cancel_booking(booking_id):
    record, principal = record_or_404(tourism().bookings.get(booking_id), WRITE)
    _done, errors = submit(BookingCancelSchema, text("cancelled_on", "reason"),
                           partial(tourism().cancel_booking, record), principal=principal)
    if errors:
        return _booking_page(booking_id, errors, request.form)
    flash(_("Booking %(id)s cancelled; its income was reversed.", id=booking_id))
    return redirect(url_for("tourism_ui.booking", booking_id=booking_id))
