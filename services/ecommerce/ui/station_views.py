"""E-commerce pages of rural service stations: list, new, edit, a station's page."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.web.forms import int_or_text
from shared.programs.forms import page_number, text
from shared.programs.refused import Refused
from services.ecommerce.api.common import authorize_village, ecommerce, station_for
from services.ecommerce.api.station_schemas import StationCreateSchema, StationQuerySchema, StationUpdateSchema
from services.ecommerce.domain.stations import STATION_STATUSES
from services.ecommerce.ui.forms import filters, raw_filters, refusal, validate

bp = Blueprint("ecommerce_stations", __name__)
PER_PAGE = 50
TEXT = ("name", "village_code", "township", "village", "keeper", "phone", "opened_on")


@bp.get("/stations")
@require(READ)
def stations():
    principal = authorize(READ)
    wanted, problems = filters(StationQuerySchema())
    for field, problem in problems.items():
        flash(f"{field}: {problem}")
    page = page_number()
    items, total = ecommerce().stations.list(principal.county_filter, wanted, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("ecommerce/stations.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           params=raw_filters(), statuses=STATION_STATUSES)


def _form(errors, values, station=None):
    return render_template("ecommerce/station_form.html", errors=errors, values=values, station=station,
                           statuses=STATION_STATUSES), 422 if errors else 200


@bp.route("/stations/new", methods=["GET", "POST"])
@require(WRITE)
def new_station():
    if request.method == "GET":
        return _form({}, {"opened_on": date.today().isoformat()})
    fields, errors = validate(StationCreateSchema, text(*TEXT))
    if fields is not None:
        principal = authorize(WRITE, county=fields["village_code"][:6])
        station = ecommerce().open_station(fields, principal.username)
        flash(_("Service station %(name)s recorded.", name=station["name"]))
        return redirect(url_for("ecommerce_stations.station", station_id=station["_id"]))
    return _form(errors, request.form)


@bp.route("/stations/<station_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_station(station_id):
    station, principal = station_for(WRITE, station_id)
    if request.method == "GET":
        return _form({}, station, station)
    payload = text(*TEXT, "status", "version")
    if "version" in payload:
        payload["version"] = int_or_text(payload["version"])
    fields, errors = validate(StationUpdateSchema, payload)
    if fields is not None:
        authorize_village(fields)
        try:
            ecommerce().update_station(station, fields, principal.username)
        except Refused as exc:
            errors = refusal(exc)
        else:
            flash(_("Service station %(name)s updated.", name=fields.get("name", station["name"])))
            return redirect(url_for("ecommerce_stations.station", station_id=station_id))
    return _form(errors, request.form, station)


@bp.get("/stations/<station_id>")
@require(READ)
def station(station_id):
    station, principal = station_for(READ, station_id)
    sales, sales_total = ecommerce().sales.list(principal.county_filter, {"station_id": station_id}, 0, 20)
    return render_template("ecommerce/station.html", z=station, sales=sales, sales_total=sales_total,
                           can_write=principal.can(WRITE, "ecommerce", station["county_code"]))
