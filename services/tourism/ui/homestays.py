"""Pages for homestays: list, register, edit, a homestay's page with its inspections."""
from datetime import date
from functools import partial

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.events.types.tourism import HOMESTAY_KINDS, INSPECTION_RESULTS
from shared.web.forms import int_or_text
from shared.programs.forms import form_page, household_county, listing, raw, record_or_404, submit, text
from services.tourism.api.schemas.homestays import (HomestayCreateSchema, HomestayEditSchema, HomestayQuerySchema,
                                                    InspectionCreateSchema)
from services.tourism.ui.blueprint import PER_PAGE, bp, tourism


@bp.get("/homestays")
@require(READ)
def homestays():
    shown = listing("q", "kind", "county_code", schema=HomestayQuerySchema, per_page=PER_PAGE)
    query = shown.query
    items, total = tourism().homestays.list(shown.principal.county_filter, query.get("q"), query.get("kind"),
                                            query.get("county_code"), None, *shown.window)
    return shown.render("tourism/homestays.html", items, total, kinds=HOMESTAY_KINDS)


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
        homestay, errors = submit(HomestayCreateSchema, payload, tourism().register_homestay, household_county)
        if not errors:
            flash(_("Homestay %(name)s registered.", name=homestay["name"]))
            return redirect(url_for("tourism_ui.homestay", homestay_id=homestay["_id"]))
    else:
        values = {"household_id": request.args.get("household_id", ""), "kind": "homestay",
                  "safety_inspected_on": date.today().isoformat()}
    return form_page("tourism/homestay_form.html", errors, values=values, kinds=HOMESTAY_KINDS, editing=None)


@bp.route("/homestays/<homestay_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_homestay(homestay_id):
    record, principal = record_or_404(tourism().homestays.get(homestay_id), WRITE)
    errors, values = {}, request.form
    if request.method == "POST":
        payload = _capacity_payload(editing=True)
        payload["version"] = int_or_text(request.form.get("version", ""))
        saved, errors = submit(HomestayEditSchema, payload, partial(tourism().edit_homestay, record),
                               principal=principal)
        if not errors:
            flash(_("Homestay %(name)s saved.", name=saved["name"]))
            return redirect(url_for("tourism_ui.homestay", homestay_id=homestay_id))
    else:
        values = record
    return form_page("tourism/homestay_form.html", errors, values=values, kinds=HOMESTAY_KINDS, editing=record)


def _homestay_page(homestay_id: str, errors=None, values=None):
    record, principal = record_or_404(tourism().homestays.get(homestay_id))
    bookings, total = tourism().bookings.list(principal.county_filter, homestay_id=homestay_id, limit=20)
    return form_page("tourism/homestay.html", errors or {}, h=record, bookings=bookings, bookings_total=total,
                     results=INSPECTION_RESULTS, values=values or {"inspected_on": date.today().isoformat()})


@bp.get("/homestays/<homestay_id>")
@require(READ)
def homestay(homestay_id):
    return _homestay_page(homestay_id)


@bp.post("/homestays/<homestay_id>/inspections")
@require(WRITE)
def inspect_homestay(homestay_id):
    record, principal = record_or_404(tourism().homestays.get(homestay_id), WRITE)
    _done, errors = submit(InspectionCreateSchema, text("inspected_on", "result", "note"),
                           partial(tourism().inspect_homestay, record), principal=principal)
    if errors:
        return _homestay_page(homestay_id, errors, request.form)
    flash(_("Inspection recorded."))
    return redirect(url_for("tourism_ui.homestay", homestay_id=homestay_id))
