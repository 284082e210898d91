"""Pages of generation reports: list, record, correct, detail."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.photovoltaic import KINDS, SOURCES
from shared.programs.refused import Refused
from shared.programs.forms import PER_PAGE, args, page_number, payload, refused, validate
from services.photovoltaic.api import schemas as s
from services.photovoltaic.domain.months import month_of, shift
from services.photovoltaic.api.common import authorized, photovoltaic

bp = Blueprint("pv_reports", __name__)


def _figures() -> dict:
    return payload(integers=("kwh",), text=("tariff_fen_per_kwh",), yuan={"revenue_yuan": "revenue_fen"},
                   optional=("revenue_fen",))


@bp.get("/reports")
@require(READ)
def index():
    principal = authorize(READ)
    filters = args("q", "installation_id", "month", "source", "kind", "county_code")
    page = page_number()
    items, total = photovoltaic().reports.list(principal.county_filter, filters, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("photovoltaic/reports.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           filters=filters, sources=SOURCES, kinds=KINDS)


@bp.route("/reports/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        data = {**payload(text=("installation_id", "month", "source")), **_figures()}
        fields, errors = validate(s.ReportCreateSchema, data)
        if fields:
            try:
                pv = photovoltaic()
                installation, principal = authorized(WRITE, pv.installations.require(fields["installation_id"]))
                report = pv.record(installation, fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Generation report %(id)s recorded.", id=report["_id"]))
                return redirect(url_for("pv_reports.detail", report_id=report["_id"]))
    else:
        values = {"installation_id": request.args.get("installation_id", ""), "source": "operator",
                  "month": shift(month_of(date.today()), -1)}
    return render_template("photovoltaic/report_form.html", errors=errors, values=values, sources=SOURCES,
                           report=None), 422 if errors else 200


@bp.route("/reports/<report_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit(report_id):
    report = _get(report_id)
    errors, values = {}, request.form
    if request.method == "POST":
        fields, errors = validate(s.ReportCorrectSchema, _figures())
        if fields:
            principal = authorize(WRITE, county=report["county_code"])
            try:
                photovoltaic().correct(report, fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Generation report %(id)s corrected.", id=report_id))
                return redirect(url_for("pv_reports.detail", report_id=report_id))
    else:
        values = {"kwh": report["kwh"], "tariff_fen_per_kwh": f"{report['tariff_fen_per_kwh']:g}",
                  "revenue_yuan": f"{report['revenue_fen'] / 100:.2f}"}
    return render_template("photovoltaic/report_form.html", errors=errors, values=values, sources=SOURCES,
                           report=report), 422 if errors else 200


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
