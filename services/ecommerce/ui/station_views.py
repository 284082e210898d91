"""E-commerce pages of rural service stations: list, new, edit, a station's page."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.programs.forms import form_page, payload, text, village_county
from services.ecommerce.api.common import ecommerce, station_for
from services.ecommerce.api.station_schemas import StationCreateSchema, StationQuerySchema, StationUpdateSchema
from services.ecommerce.domain.stations import STATION_STATUSES
from services.ecommerce.ui.forms import in_its_village, listing, submit

bp = Blueprint("ecommerce_stations", __name__)
TEXT = ("name", "village_code", "township", "village", "keeper", "phone", "opened_on")


@bp.get("/stations")
@require(READ)
def stations():
    shown = listing(StationQuerySchema())
    items, total = ecommerce().stations.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("ecommerce/stations.html", items, total, params=shown.shown, statuses=STATION_STATUSES)


def _form(errors, values, station=None):
    return form_page("ecommerce/station_form.html", errors, values=values, station=station, statuses=STATION_STATUSES)


@bp.route("/stations/new", methods=["GET", "POST"])
@require(WRITE)
def new_station():
    if request.method == "GET":
        return _form({}, {"opened_on": date.today().isoformat()})
    station, errors = submit(StationCreateSchema, text(*TEXT), ecommerce().open_station, village_county)
    if errors:
        return _form(errors, request.form)
    flash(_("Service station %(name)s recorded.", name=station["name"]))
    return redirect(url_for("ecommerce_stations.station", station_id=station["_id"]))


@bp.route("/stations/<station_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_station(station_id):
    station, principal = station_for(WRITE, station_id)
    if request.method == "GET":
        return _form({}, station, station)
    data = payload(text=(*TEXT, "status"), integers=("version",))
    saved, errors = submit(StationUpdateSchema, data, in_its_village(ecommerce().update_station, station),
                           principal=principal)
    if errors:
        return _form(errors, request.form, station)
    flash(_("Service station %(name)s updated.", name=saved["name"]))
    return redirect(url_for("ecommerce_stations.station", station_id=station_id))


@bp.get("/stations/<station_id>")
@require(READ)
def station(station_id):
    station, principal = station_for(READ, station_id)
    sales, sales_total = ecommerce().sales.list(principal.county_filter, {"station_id": station_id}, 0, 20)
    return render_template("ecommerce/station.html", z=station, sales=sales, sales_total=sales_total,
                           can_write=principal.can(WRITE, "ecommerce", station["county_code"]))
