"""Pages for homestays: list, register, edit, a homestay's page with its inspections."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.household_ids import county_of
from shared.events.types.tourism import HOMESTAY_KINDS, INSPECTION_RESULTS
from shared.web.forms import int_or_text
from shared.programs.forms import args, page_number, raw, record_or_404, refused, text, validate
from shared.programs.refused import Refused
from services.tourism.api.schemas.homestays import (HomestayCreateSchema, HomestayEditSchema, HomestayQuerySchema,
                                                    InspectionCreateSchema)
from services.tourism.ui.blueprint import PER_PAGE, bp, tourism


@bp.get("/homestays")
@require(READ)
def homestays():
    principal = authorize(READ)
    shown = args("q", "kind", "county_code")
    query, errors = validate(HomestayQuerySchema, shown)
    query = query or {}
    page = page_number()
    items, total = tourism().homestays.list(principal.county_filter, query.get("q"), query.get("kind"),
                                            query.get("county_code"), None, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("tourism/homestays.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           filters=shown, errors=errors, kinds=HOMESTAY_KINDS)


def _capacity_payload(editing: bool = False) -> dict:
    payload = raw("name", "kind") if editing else text("name", "kind")
    for name in ("rooms", "beds"):
        payload[name] = int_or_text(request.form.get(name, ""))
    return payload


@bp.route("/homestays/new", methods=["GET", "POST"])
@require(WRITE)
def new_homestay():
    errors, values = {}, request.form
    if request.method == "POST":
        payload = {**_capacity_payload(), **text("household_id", "safety_inspected_on")}
        fields, errors = validate(HomestayCreateSchema, payload)
        if fields:
            principal = authorize(WRITE, county=county_of(fields["household_id"]))
            try:
                homestay = tourism().register_homestay(fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Homestay %(name)s registered.", name=homestay["name"]))
                return redirect(url_for("tourism_ui.homestay", homestay_id=homestay["_id"]))
    else:
        values = {"household_id": request.args.get("household_id", ""), "kind": "homestay",
                  "safety_inspected_on": date.today().isoformat()}
    return render_template("tourism/homestay_form.html", errors=errors, values=values, kinds=HOMESTAY_KINDS,
                           editing=None), 422 if errors else 200


@bp.route("/homestays/<homestay_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_homestay(homestay_id):
    record, principal = record_or_404(tourism().homestays.get(homestay_id), WRITE)
    errors, values = {}, request.form
    if request.method == "POST":
        payload = _capacity_payload(editing=True)
        payload["version"] = int_or_text(request.form.get("version", ""))
        fields, errors = validate(HomestayEditSchema, payload)
        if fields:
            try:
                tourism().edit_homestay(record, fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Homestay %(name)s saved.", name=fields.get("name", record["name"])))
                return redirect(url_for("tourism_ui.homestay", homestay_id=homestay_id))
    else:
        values = record
    return render_template("tourism/homestay_form.html", errors=errors, values=values, kinds=HOMESTAY_KINDS,
                           editing=record), 422 if errors else 200


def _homestay_page(homestay_id: str, errors=None, values=None, status: int = 200):
    record, principal = record_or_404(tourism().homestays.get(homestay_id))
    bookings, total = tourism().bookings.list(principal.county_filter, homestay_id=homestay_id, limit=20)
    return render_template("tourism/homestay.html", h=record, bookings=bookings, bookings_total=total,
                           results=INSPECTION_RESULTS, errors=errors or {},
                           values=values or {"inspected_on": date.today().isoformat()}), status


@bp.get("/homestays/<homestay_id>")
@require(READ)
def homestay(homestay_id):
    return _homestay_page(homestay_id)


@bp.post("/homestays/<homestay_id>/inspections")
@require(WRITE)
def inspect_homestay(homestay_id):
    record, principal = record_or_404(tourism().homestays.get(homestay_id), WRITE)
    fields, errors = validate(InspectionCreateSchema, text("inspected_on", "result", "note"))
    if fields:
        try:
            tourism().inspect_homestay(record, fields, principal.username)
            flash(_("Inspection recorded."))
            return redirect(url_for("tourism_ui.homestay", homestay_id=homestay_id))
        except Refused as exc:
            errors = refused(exc)
    return _homestay_page(homestay_id, errors, request.form, 422)
