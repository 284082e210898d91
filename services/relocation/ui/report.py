"""The report page with its charts, and its CSV export."""
from flask import Blueprint
from flask_babel import gettext as _

from shared.auth.roles import READ
from shared.auth.web import require
from shared.web.csv_export import csv_cell, csv_response
from shared.programs.forms import form_page, read_filters
from services.relocation.api import schemas as s
from services.relocation.api.common import relocation

bp = Blueprint("relocation_report", __name__)


def _figures():
    asked = read_filters("from", "to", "county_code", schema=s.ReportQuerySchema)
    return relocation().report(asked.principal.county_filter, asked.query), asked.shown, asked.errors


@bp.get("/report")
@require(READ)
def report():
    data, query, errors = _figures()
    months = data["months"]
    moved = {"labels": [m["month"] for m in months], "datasets": [
        {"label": _("Households moved in"), "data": [m["households"] for m in months]},
        {"label": _("People moved in"), "data": [m["people"] for m in months]}]}
    sites = data["sites"]
    occupancy = {"labels": [x["name"] for x in sites], "datasets": [
        {"label": _("Households (percent of capacity)"), "data": [x["households_percent"] for x in sites]},
        {"label": _("Area (percent of capacity)"), "data": [x["m2_percent"] for x in sites]},
        {"label": _("Employment rate (percent)"), "data": [x["employment_rate"] for x in sites], "color": "#2e7d32"}]}
    return form_page("relocation/report.html", errors, d=data, moved=moved, occupancy=occupancy, query=query)


@bp.get("/report.csv")
@require(READ)
def report_csv():
    data, _query, _errors = _figures()
    header = [_("Month"), _("Site"), _("Households moved in"), _("People moved in")]
    rows = [[csv_cell(r["month"]), csv_cell(r["site_name"]), str(r["households"]), str(r["people"])]
            for r in data["rows"]]
    rows.append([])
    rows.append([_("Site"), _("Capacity (households)"), _("Households allocated"), _("Capacity (m²)"),
                 _("Area allocated (m²)"), _("Households moved in"), _("With a member employed"),
                 _("Employment rate (percent)")])
    rows.extend([csv_cell(x["name"]), str(x["capacity_households"]), str(x["households"]), str(x["capacity_m2"]),
                 str(x["m2"]), str(x["relocated"]), str(x["employed"]), str(x["employment_rate"])]
                for x in data["sites"])
    return csv_response(f"relocation-{data['start']}-{data['end']}.csv", header, rows)
