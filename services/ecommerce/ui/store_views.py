"""E-commerce pages of online stores: list, open, edit, a store's page (its households,
its sales, closing it, its history)."""
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.ecommerce import PLATFORMS, STORE_KINDS
from shared.web.forms import int_or_text
from shared.programs.forms import page_number, text
from shared.programs.refused import Refused
from services.ecommerce.api.common import ecommerce, store_for
from services.ecommerce.api.store_schemas import (StoreCloseSchema, StoreCreateSchema, StoreQuerySchema,
                                                  StoreUpdateSchema)
from services.ecommerce.domain.stores import OPEN, STORE_STATUSES, households_of, store_county
from services.ecommerce.ui.forms import filters, household_list, raw_filters, refusal, validate

bp = Blueprint("ecommerce_stores", __name__)
PER_PAGE = 50
TEXT = ("name", "platform", "url", "owner_name", "county_code", "household_id", "opened_on", "kind")


@bp.get("/stores")
@require(READ)
def stores():
    principal = authorize(READ)
    wanted, problems = filters(StoreQuerySchema())
    for field, problem in problems.items():
        flash(f"{field}: {problem}")
    page = page_number()
    items, total = ecommerce().stores.list(principal.county_filter, wanted, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("ecommerce/stores.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           params=raw_filters(), kinds=STORE_KINDS, statuses=STORE_STATUSES, platforms=PLATFORMS)


def _store_payload(names) -> dict:
    payload = text(*names)
    if request.form.get("committed_households", "").strip():
        payload["committed_households"] = household_list(request.form["committed_households"])
    return payload


def _form(errors, values, store=None):
    return render_template("ecommerce/store_form.html", errors=errors, values=values, store=store, kinds=STORE_KINDS,
                           platforms=PLATFORMS), 422 if errors else 200


@bp.route("/stores/new", methods=["GET", "POST"])
@require(WRITE)
def new_store():
    if request.method == "GET":
        return _form({}, {"kind": request.args.get("kind", "household"), "opened_on": date.today().isoformat(),
                          "household_id": request.args.get("household_id", "")})
    fields, errors = validate(StoreCreateSchema, _store_payload(TEXT))
    if fields is not None:
        principal = authorize(WRITE, county=store_county(fields))
        try:
            store = ecommerce().open_store(fields, principal.username)
        except Refused as exc:
            errors = refusal(exc)
        else:
            flash(_("Store %(name)s opened.", name=store["name"]))
            return redirect(url_for("ecommerce_stores.store", store_id=store["_id"]))
    return _form(errors, request.form)


@bp.route("/stores/<store_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_store(store_id):
    store, principal = store_for(WRITE, store_id)
    if request.method == "GET":
        return _form({}, {**store, "committed_households": "\n".join(store.get("committed_households") or [])}, store)
    payload = _store_payload(("name", "platform", "url", "owner_name", "reason", "version"))
    if store["kind"] == "household":
        payload.pop("committed_households", None)
    if "version" in payload:
        payload["version"] = int_or_text(payload["version"])
    fields, errors = validate(StoreUpdateSchema, payload)
    if fields is not None:
        try:
            ecommerce().update_store(store, fields, principal.username)
        except Refused as exc:
            errors = refusal(exc)
        else:
            flash(_("Store %(name)s updated.", name=fields.get("name", store["name"])))
            return redirect(url_for("ecommerce_stores.store", store_id=store_id))
    return _form(errors, request.form, store)


def _store_page(store_id, errors=None, values=None):
    store, principal = store_for(READ, store_id)
    sales, sales_total = ecommerce().sales.list(principal.county_filter, {"store_id": store_id}, 0, 20)
    can_write = principal.can(WRITE, "ecommerce", store["county_code"]) and store["status"] == OPEN
    households = [(h, current_app.extensions["household_view"].get(h)) for h in households_of(store)]
    return render_template("ecommerce/store.html", t=store, sales=sales, sales_total=sales_total, can_write=can_write,
                           households=households, errors=errors or {}, values=values or {},
                           today=date.today().isoformat()), 422 if errors else 200


@bp.get("/stores/<store_id>")
@require(READ)
def store(store_id):
    return _store_page(store_id)


@bp.post("/stores/<store_id>/close")
@require(WRITE)
def close_store(store_id):
    store, principal = store_for(WRITE, store_id)
    fields, errors = validate(StoreCloseSchema, text("closed_on", "reason"))
    if fields is not None:
        try:
            ecommerce().close_store(store, fields, principal.username)
        except Refused as exc:
            errors = refusal(exc)
        else:
            flash(_("Store closed."))
            return redirect(url_for("ecommerce_stores.store", store_id=store_id))
    return _store_page(store_id, errors, request.form)
