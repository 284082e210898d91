"""The report page (month × county, with charts) and its CSV export."""
from flask import render_template, request
from flask_babel import gettext as _

from shared.auth.roles import READ
from shared.auth.web import require
from shared.web.csv_export import csv_cell, csv_response, yuan_cell
from shared.programs.forms import read_filters
from services.microcredit.api.schemas import ReportQuerySchema
from services.microcredit.domain import report as rules
from services.microcredit.ui.blueprint import bp, microcredit


def _report():
    """(report, shown filters, errors) from the query string; bad filters fall back to defaults."""
    asked = read_filters("from", "to", "county_code", schema=ReportQuerySchema)
    query = asked.query
    report = microcredit().report(asked.principal.county_filter, query.get("first"), query.get("last"),
                                  query.get("county_code"))
    return report, asked.shown, asked.errors


@bp.get("/report")
@require(READ)
def report():
    data, shown, errors = _report()
    return render_template("microcredit/report.html", r=data, series=rules.series(data["rows"], data["months"]),
                           filters=shown, errors=errors, query=request.query_string.decode())


def _rate(value):
    return "" if value is None else f"{value:.2f}"


@bp.get("/report.csv")
@require(READ)
def report_csv():
    data, _shown, _errors = _report()
    header = [_("Month"), _("County"), _("Loans disbursed"), _("Disbursed (yuan)"), _("Repaid (yuan)"),
              _("Outstanding (yuan)"), _("Overdue (yuan)"), _("Due (yuan)"), _("Due and paid (yuan)"),
              _("Written off (yuan)"), _("Repayment rate (%)"), _("Overdue rate (%)")]
    rows = [[csv_cell(r["month"]), csv_cell(r["county_code"]), r["loans"], yuan_cell(r["disbursed_fen"]),
             yuan_cell(r["repaid_fen"]), yuan_cell(r["outstanding_fen"]), yuan_cell(r["overdue_fen"]),
             yuan_cell(r["due_fen"]), yuan_cell(r["due_paid_fen"]), yuan_cell(r["written_off_fen"]),
             _rate(r["repayment_rate"]), _rate(r["overdue_rate"])] for r in data["rows"]]
    return csv_response(f"microcredit-report-{data['first']}-{data['last']}.csv", header, rows)
