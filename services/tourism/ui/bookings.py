"""Pages for bookings: the list (the start page), the form to record one, a booking's page."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.tourism import BOOKING_CHANNELS
from shared.web.forms import int_or_text, yuan_to_fen
from shared.programs.forms import args, page_number, record_or_404, refused, text, validate
from shared.programs.refused import Refused
from services.tourism.api.schemas.bookings import BookingCancelSchema, BookingCreateSchema, BookingQuerySchema
from services.tourism.ui.blueprint import PER_PAGE, bp, tourism

LIST_FILTERS = ("q", "status", "month", "county_code", "homestay_id")


@bp.get("/")
@require(READ)
def index():
    principal = authorize(READ)
    shown = args(*LIST_FILTERS)
    query, errors = validate(BookingQuerySchema, shown)
    query = query or {}
    page = page_number()
    items, total = tourism().bookings.list(principal.county_filter, query.get("q"), query.get("status"),
                                           query.get("month"), query.get("county_code"), query.get("homestay_id"),
                                           None, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("tourism/bookings.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           filters=shown, errors=errors)


@bp.route("/bookings/new", methods=["GET", "POST"])
@require(WRITE)
def new_booking():
    errors, values = {}, request.form
    if request.method == "POST":
        payload = text("homestay_id", "guest_name", "check_in", "check_out", "channel")
        payload["guests"] = int_or_text(request.form.get("guests", ""))
        payload["amount_fen"] = yuan_to_fen(request.form.get("amount_yuan", ""))
        payload["income_fen"] = yuan_to_fen(request.form.get("income_yuan", ""))
        fields, errors = validate(BookingCreateSchema, payload)
        if fields:
            try:
                homestay = tourism().homestay(fields["homestay_id"])
                principal = authorize(WRITE, county=homestay["county_code"])
                booking = tourism().record_booking(homestay, fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Booking %(id)s recorded.", id=booking["_id"]))
                return redirect(url_for("tourism_ui.booking", booking_id=booking["_id"]))
    else:
        values = {"homestay_id": request.args.get("homestay_id", ""), "check_in": date.today().isoformat(),
                  "guests": "2", "channel": "walk_in"}
    homestay = tourism().homestays.get(values.get("homestay_id", "")) if values.get("homestay_id") else None
    return render_template("tourism/booking_form.html", errors=errors, values=values, homestay=homestay,
                           channels=BOOKING_CHANNELS), 422 if errors else 200


def _booking_page(booking_id: str, errors: dict | None = None, values=None, status: int = 200):
    booking, _principal = record_or_404(tourism().bookings.get(booking_id))
    return render_template("tourism/booking.html", b=booking, errors=errors or {}, values=values or {}), status


@bp.get("/bookings/<booking_id>")
@require(READ)
def booking(booking_id):
    return _booking_page(booking_id)


@bp.post("/bookings/<booking_id>/cancel")
@require(WRITE)
def cancel_booking(booking_id):
    record, principal = record_or_404(tourism().bookings.get(booking_id), WRITE)
    fields, errors = validate(BookingCancelSchema, text("cancelled_on", "reason"))
    if fields:
        try:
            tourism().cancel_booking(record, fields, principal.username)
            flash(_("Booking %(id)s cancelled; its income was reversed.", id=booking_id))
            return redirect(url_for("tourism_ui.booking", booking_id=booking_id))
        except Refused as exc:
            errors = refused(exc)
    return _booking_page(booking_id, errors, request.form, 422)
