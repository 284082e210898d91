"""E-commerce pages of sales: the list (search, filters, pages, CSV), the form to record
one, a sale's page with its refunds and history, its correction and refund forms.
Forms validate with the API's schemas and write through the same service as the API."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.household_ids import county_of
from shared.events.types.ecommerce import CHANNELS
from shared.web.forms import int_or_text, yuan_to_fen
from shared.programs.forms import page_number, raw, text
from shared.programs.refused import Refused
from services.ecommerce.api.common import ecommerce, sale_for
from services.ecommerce.api.reports import sales_csv
from services.ecommerce.api.schemas import (RefundCreateSchema, SaleCorrectSchema, SaleCreateSchema,
                                            SaleExportQuerySchema, SaleFilterSchema)
from services.ecommerce.domain.sales import REFUNDED, SALE_STATUSES, remaining
from services.ecommerce.ui.forms import filters, raw_filters, refusal, validate

bp = Blueprint("ecommerce_ui", __name__)
PER_PAGE = 50


@bp.get("/")
@require(READ)
def index():
    principal = authorize(READ)
    wanted, problems = filters(SaleFilterSchema())
    for field, problem in problems.items():
        flash(f"{field}: {problem}")
    page = page_number()
    items, total = ecommerce().sales.list(principal.county_filter, wanted, (page - 1) * PER_PAGE, PER_PAGE)
    params = raw_filters()
    return render_template("ecommerce/index.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           params=params, household_id=params.get("household_id", ""), channels=CHANNELS,
                           statuses=SALE_STATUSES)


@bp.get("/sales.csv")
@require(READ)
def export():
    wanted, _problems = filters(SaleExportQuerySchema())
    return sales_csv(wanted, authorize(READ).county_filter)


def _sale_payload() -> dict:
    form = request.form
    payload = {**raw("household_id", "product", "unit", "channel", "sold_on"), **text("store_id", "station_id", "note")}
    payload["quantity"] = int_or_text(form.get("quantity", ""))
    payload["amount_fen"] = yuan_to_fen(form.get("amount_yuan", ""))
    payload["income_fen"] = yuan_to_fen(form.get("income_yuan", ""))
    return payload


@bp.route("/sales/new", methods=["GET", "POST"])
@require(WRITE)
def new_sale():
    errors, values = {}, request.form
    if request.method == "POST":
        fields, errors = validate(SaleCreateSchema, _sale_payload())
        if fields is not None:
            principal = authorize(WRITE, county=county_of(fields["household_id"]))
            try:
                sale, _created = ecommerce().record_sale(fields, principal.username)
            except Refused as exc:
                errors = refusal(exc)
            else:
                flash(_("Sale %(id)s recorded.", id=sale["_id"]))
                return redirect(url_for("ecommerce_ui.index"))
    else:
        values = {"household_id": request.args.get("household_id", ""), "sold_on": date.today().isoformat(),
                  "unit": "kg", "store_id": request.args.get("store_id", ""),
                  "station_id": request.args.get("station_id", "")}
    principal = authorize(WRITE)
    return render_template("ecommerce/new_sale.html", errors=errors, values=values, channels=CHANNELS,
                           stations=ecommerce().stations.choices(principal.county_filter),
                           stores=_stores_for(values.get("household_id", ""))), 422 if errors else 200


def _stores_for(household_id: str) -> list[dict]:
    return ecommerce().stores.open_for(household_id.strip()) if household_id else []


def _sale_page(sale_id: str, errors: dict | None = None, values: dict | None = None):
    sale, principal = sale_for(READ, sale_id)
    amount_left, income_left = remaining(sale)
    can_write = principal.can(WRITE, "ecommerce", county_of(sale["household_id"]))
    return render_template("ecommerce/sale.html", s=sale, errors=errors or {}, values=values or {},
                           amount_left=amount_left, income_left=income_left, can_write=can_write,
                           refundable=can_write and sale.get("status") != REFUNDED,
                           today=date.today().isoformat()), 422 if errors else 200


@bp.get("/sales/<sale_id>")
@require(READ)
def sale(sale_id):
    return _sale_page(sale_id)


@bp.post("/sales/<sale_id>/refund")
@require(WRITE)
def refund(sale_id):
    sale, principal = sale_for(WRITE, sale_id)
    payload = text("refunded_on", "reason")
    payload["amount_fen"] = yuan_to_fen(request.form.get("amount_yuan", ""))
    if request.form.get("income_yuan", "").strip():
        payload["income_fen"] = yuan_to_fen(request.form["income_yuan"])
    fields, errors = validate(RefundCreateSchema, payload)
    if fields is not None:
        try:
            ecommerce().refund_sale(sale, fields, principal.username)
        except Refused as exc:
            errors = refusal(exc)
        else:
            flash(_("Refund recorded."))
            return redirect(url_for("ecommerce_ui.sale", sale_id=sale_id))
    return _sale_page(sale_id, errors, request.form)


@bp.route("/sales/<sale_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_sale(sale_id):
    sale, principal = sale_for(WRITE, sale_id)
    errors, values = {}, request.form if request.method == "POST" else sale
    if request.method == "POST":
        payload = text("product", "unit", "sold_on")
        payload["quantity"] = int_or_text(request.form.get("quantity", ""))
        payload["version"] = int_or_text(request.form.get("version", ""))
        fields, errors = validate(SaleCorrectSchema, payload)
        if fields is not None:
            try:
                ecommerce().correct_sale(sale, fields, principal.username)
            except Refused as exc:
                errors = refusal(exc)
            else:
                flash(_("Sale %(id)s corrected.", id=sale_id))
                return redirect(url_for("ecommerce_ui.sale", sale_id=sale_id))
    return render_template("ecommerce/sale_edit.html", s=sale, errors=errors, values=values), 422 if errors else 200
