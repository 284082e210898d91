"""E-commerce pages of sales: the list (search, filters, pages, CSV), the form to record
one, a sale's page with its refunds and history, its correction and refund forms.
Forms validate with the API's schemas and write through the same service as the API."""
from datetime import date
from functools import partial

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.household_ids import county_of
from shared.events.types.ecommerce import CHANNELS
from shared.web.forms import int_or_text, yuan_to_fen
from shared.programs.forms import form_page, household_county, raw, text
from services.ecommerce.api.common import ecommerce, sale_for
from services.ecommerce.api.reports import sales_csv
from services.ecommerce.api.schemas import (RefundCreateSchema, SaleCorrectSchema, SaleCreateSchema,
                                            SaleExportQuerySchema, SaleFilterSchema)
from services.ecommerce.domain.sales import REFUNDED, SALE_STATUSES, remaining
from services.ecommerce.ui.forms import filters, listing, submit

bp = Blueprint("ecommerce_ui", __name__)


@bp.get("/")
@require(READ)
def index():
    shown = listing(SaleFilterSchema())
    items, total = ecommerce().sales.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("ecommerce/index.html", items, total, params=shown.shown,
                        household_id=shown.shown.get("household_id", ""), channels=CHANNELS, statuses=SALE_STATUSES)


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
        recorded, errors = submit(SaleCreateSchema, _sale_payload(), ecommerce().record_sale, household_county)
        if not errors:
            sale, _created = recorded
            flash(_("Sale %(id)s recorded.", id=sale["_id"]))
            return redirect(url_for("ecommerce_ui.index"))
    else:
        values = {"household_id": request.args.get("household_id", ""), "sold_on": date.today().isoformat(),
                  "unit": "kg", "store_id": request.args.get("store_id", ""),
                  "station_id": request.args.get("station_id", "")}
    principal = authorize(WRITE)
    return form_page("ecommerce/new_sale.html", errors, values=values, channels=CHANNELS,
                     stations=ecommerce().stations.choices(principal.county_filter),
                     stores=_stores_for(values.get("household_id", "")))


def _stores_for(household_id: str) -> list[dict]:
    return ecommerce().stores.open_for(household_id.strip()) if household_id else []


def _sale_page(sale_id: str, errors: dict | None = None, values: dict | None = None):
    sale, principal = sale_for(READ, sale_id)
    amount_left, income_left = remaining(sale)
    can_write = principal.can(WRITE, "ecommerce", county_of(sale["household_id"]))
    return form_page("ecommerce/sale.html", errors or {}, s=sale, values=values or {}, amount_left=amount_left,
                     income_left=income_left, can_write=can_write,
                     refundable=can_write and sale.get("status") != REFUNDED, today=date.today().isoformat())


@bp.get("/sales/<sale_id>")
@require(READ)
def sale(sale_id):
    return _sale_page(sale_id)


def _refund() -> dict:
    payload = text("refunded_on", "reason")
    payload["amount_fen"] = yuan_to_fen(request.form.get("amount_yuan", ""))
    if request.form.get("income_yuan", "").strip():
        payload["income_fen"] = yuan_to_fen(request.form["income_yuan"])
    return payload


@bp.post("/sales/<sale_id>/refund")
@require(WRITE)
def refund(sale_id):
    sale, principal = sale_for(WRITE, sale_id)
    _refunded, errors = submit(RefundCreateSchema, _refund(), partial(ecommerce().refund_sale, sale),
                               principal=principal)
    if errors:
        return _sale_page(sale_id, errors, request.form)
    flash(_("Refund recorded."))
    return redirect(url_for("ecommerce_ui.sale", sale_id=sale_id))


@bp.route("/sales/<sale_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_sale(sale_id):
    sale, principal = sale_for(WRITE, sale_id)
    errors, values = {}, request.form if request.method == "POST" else sale
    if request.method == "POST":
        payload = text("product", "unit", "sold_on")
        payload["quantity"] = int_or_text(request.form.get("quantity", ""))
        payload["version"] = int_or_text(request.form.get("version", ""))
        _corrected, errors = submit(SaleCorrectSchema, payload, partial(ecommerce().correct_sale, sale),
                                    principal=principal)
        if not errors:
            flash(_("Sale %(id)s corrected.", id=sale_id))
            return redirect(url_for("ecommerce_ui.sale", sale_id=sale_id))
    return form_page("ecommerce/sale_edit.html", errors, s=sale, values=values)
