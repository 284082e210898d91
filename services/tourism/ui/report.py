"""The report page (month × county, with charts) and its CSV export."""
from flask import render_template, request
from flask_babel import gettext as _

from shared.auth.roles import READ
from shared.auth.web import require
from shared.web.csv_export import csv_cell, csv_response, yuan_cell
from shared.programs.forms import read_filters, refused
from shared.programs.refused import Refused
from services.tourism.api.schemas.report import ReportQuerySchema
from services.tourism.domain import report as rules
from services.tourism.ui.blueprint import bp, tourism


def _report():
    """(report, shown filters, errors) from the query string; bad filters fall back to defaults."""
    asked = read_filters("from", "to", "county_code", schema=ReportQuerySchema)
    query, errors = asked.query, asked.errors
    try:
        report = tourism().report(asked.principal.county_filter, query.get("first"), query.get("last"),
                                  query.get("county_code"))
    except Refused as exc:
        errors = refused(exc)
        report = tourism().report(asked.principal.county_filter, None, None, None)
    return report, asked.shown, errors


@bp.get("/report")
@require(READ)
def report():
    data, shown, errors = _report()
    return render_template("tourism/report.html", r=data, series=rules.series(data["rows"], data["months"]),
                           filters=shown, errors=errors, query=request.query_string.decode())


@bp.get("/report.csv")
@require(READ)
def report_csv():
    data, _shown, _errors = _report()
    header = [_("Month"), _("County"), _("Bookings"), _("Nights"), _("Booking income (yuan)"),
              _("Wages (yuan)"), _("Dividends (yuan)"), _("Income to households (yuan)")]
    rows = [[csv_cell(r["month"]), csv_cell(r["county_code"]), r["bookings"], r["nights"],
             yuan_cell(r["booking_income_fen"]), yuan_cell(r["wage_income_fen"]), yuan_cell(r["dividend_income_fen"]),
             yuan_cell(r["income_fen"])] for r in data["rows"]]
    return csv_response(f"tourism-report-{data['first']}-{data['last']}.csv", header, rows)
