"""Pages of generation reports: list, record, correct, detail."""
from datetime import date
from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.photovoltaic import KINDS, SOURCES
from shared.programs.forms import form_page, listing, payload, submit, submit_on
from services.photovoltaic.api import schemas as s
from services.photovoltaic.domain.months import month_of, shift
from services.photovoltaic.api.common import photovoltaic
from services.photovoltaic.ui.installations import installation_named

bp = Blueprint("pv_reports", __name__)


def _figures() -> dict:
    return payload(integers=("kwh",), text=("tariff_fen_per_kwh",), yuan={"revenue_yuan": "revenue_fen"},
                   optional=("revenue_fen",))


@bp.get("/reports")
@require(READ)
def index():
    shown = listing("q", "installation_id", "month", "source", "kind", "county_code")
    items, total = photovoltaic().reports.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("photovoltaic/reports.html", items, total, sources=SOURCES, kinds=KINDS)


@bp.route("/reports/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        data = {**payload(text=("installation_id", "month", "source")), **_figures()}
        report, errors = submit_on(s.ReportCreateSchema, data, installation_named, photovoltaic().record)
        if not errors:
            flash(_("Generation report %(id)s recorded.", id=report["_id"]))
            return redirect(url_for("pv_reports.detail", report_id=report["_id"]))
    else:
        values = {"installation_id": request.args.get("installation_id", ""), "source": "operator",
                  "month": shift(month_of(date.today()), -1)}
    return form_page("photovoltaic/report_form.html", errors, values=values, sources=SOURCES, report=None)


@bp.route("/reports/<report_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit(report_id):
    report = _get(report_id)
    errors, values = {}, request.form
    if request.method == "POST":
        _corrected, errors = submit(s.ReportCorrectSchema, _figures(), partial(photovoltaic().correct, report),
                                    report["county_code"])
        if not errors:
            flash(_("Generation report %(id)s corrected.", id=report_id))
            return redirect(url_for("pv_reports.detail", report_id=report_id))
    else:
        values = {"kwh": report["kwh"], "tariff_fen_per_kwh": f"{report['tariff_fen_per_kwh']:g}",
                  "revenue_yuan": f"{report['revenue_fen'] / 100:.2f}"}
    return form_page("photovoltaic/report_form.html", errors, values=values, sources=SOURCES, report=report)


@bp.get("/reports/<report_id>")
@require(READ)
def detail(report_id):
    report = _get(report_id)
    authorize(READ, county=report["county_code"])
    distributed = photovoltaic().distributions.exists(report["installation_id"], report["month"])
    return render_template("photovoltaic/report.html", r=report, distributed=distributed)


def _get(report_id: str) -> dict:
    report = photovoltaic().reports.get(report_id)
    if report is None:
        abort(404, description=_("No such generation report."))
    return report
