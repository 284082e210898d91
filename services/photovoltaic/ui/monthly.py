"""The monthly report page by county, with its chart and CSV export."""

from flask import Blueprint
from flask_babel import gettext as _

from shared.auth.roles import READ
from shared.auth.web import require
from shared.web.csv_export import csv_cell, csv_response, yuan_cell
from shared.programs.forms import form_page, read_filters
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.monthly import figures

bp = Blueprint("pv_monthly", __name__)


def _figures():
    asked = read_filters("from", "to", "county_code", schema=s.MonthlyQuerySchema)
    return figures(asked.principal, asked.query), asked.shown, asked.errors


@bp.get("/monthly")
@require(READ)
def monthly():
    data, query, errors = _figures()
    months = data["months"]
    chart = {"labels": [m["month"] for m in months], "datasets": [
        {"label": _("Revenue (yuan)"), "data": [m["revenue_fen"] / 100 for m in months]},
        {"label": _("Distributed to households (yuan)"), "data": [m["distributed_fen"] / 100 for m in months]},
        {"label": _("Rooftop income (yuan)"), "data": [m["rooftop_income_fen"] / 100 for m in months]}]}
    kwh_chart = {"labels": chart["labels"], "datasets": [
        {"label": _("Generation (kWh)"), "data": [m["kwh"] for m in months], "color": "#e0a100"}]}
    return form_page("photovoltaic/monthly.html", errors, d=data, chart=chart, kwh_chart=kwh_chart, query=query)


@bp.get("/monthly.csv")
@require(READ)
def monthly_csv():
    data, _query, _errors = _figures()
    header = [_("Month"), _("County"), _("Reports"), _("Generation (kWh)"), _("Revenue (yuan)"),
              _("Rooftop income (yuan)"), _("Dividends (yuan)"), _("Wages (yuan)"), _("Distributed to households (yuan)"),
              _("Income to households (yuan)")]
    rows = [[csv_cell(r["month"]), csv_cell(r["county_code"]), str(r["reports"]), str(r["kwh"]),
             yuan_cell(r["revenue_fen"]), yuan_cell(r["rooftop_income_fen"]), yuan_cell(r["dividends_fen"]),
             yuan_cell(r["wages_fen"]), yuan_cell(r["distributed_fen"]), yuan_cell(r["income_to_households_fen"])]
            for r in data["rows"]]
    return csv_response(f"photovoltaic-{data['start']}-{data['end']}.csv", header, rows)
