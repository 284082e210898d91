"""The e-commerce report page: sales, refunds and income per month and county, with charts
and CSV exports."""
from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.auth.roles import READ
from shared.auth.web import authorize, require
from shared.web.forms import form_errors
from services.ecommerce.api.common import ecommerce
from services.ecommerce.api.reports import ReportQuerySchema, report_csv
from services.ecommerce.ui.forms import PAGE_ARGS

bp = Blueprint("ecommerce_reports", __name__)


def _args() -> tuple[dict, dict]:
    raw = {k: v.strip() for k, v in request.args.items() if k not in PAGE_ARGS and v.strip()}
    try:
        return ReportQuerySchema().load(raw), raw
    except ValidationError as exc:
        for field, problem in form_errors(exc.messages).items():
            flash(f"{field}: {problem}")
        return {}, raw


@bp.get("/report")
@require(READ)
def report():
    principal = authorize(READ)
    args, raw = _args()
    data = ecommerce().report(principal.county_filter, args)
    return render_template("ecommerce/report.html", d=data, series=_series(data["chart"]), params=raw,
                           all_counties=not principal.county)


def _series(chart: dict) -> dict:
    """Chart.js data sets with labels in the reader's language (values already in yuan)."""
    return {"months": chart["months"],
            "income": [{"label": c["county_code"], "data": c["data"], "stack": "income"} for c in chart["income"]],
            "sales": [{"label": _("Sales amount (yuan)"), "data": chart["sales_amount"]},
                      {"label": _("Refunds (yuan)"), "data": chart["refund_amount"]},
                      {"label": _("Income to households (yuan)"), "data": chart["income_total"]},
                      {"label": _("Income taken back (yuan)"), "data": chart["refund_income"]}]}


@bp.get("/report.csv")
@require(READ)
def export():
    principal = authorize(READ)
    args, _raw = _args()
    return report_csv(args, principal.county_filter)
