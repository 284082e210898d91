"""E-commerce pages of online stores: list, open, edit, a store's page (its households,
its sales, closing it, its history)."""
from datetime import date
from functools import partial

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.events.types.ecommerce import PLATFORMS, STORE_KINDS
from shared.programs.forms import form_page, payload, text
from services.ecommerce.api.common import ecommerce, store_for
from services.ecommerce.api.store_schemas import (StoreCloseSchema, StoreCreateSchema, StoreQuerySchema,
                                                  StoreUpdateSchema)
from services.ecommerce.domain.stores import OPEN, STORE_STATUSES, households_of, store_county
from services.ecommerce.ui.forms import household_list, listing, submit

bp = Blueprint("ecommerce_stores", __name__)
TEXT = ("name", "platform", "url", "owner_name", "county_code", "household_id", "opened_on", "kind")


@bp.get("/stores")
@require(READ)
def stores():
    shown = listing(StoreQuerySchema())
    items, total = ecommerce().stores.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("ecommerce/stores.html", items, total, params=shown.shown, kinds=STORE_KINDS,
                        statuses=STORE_STATUSES, platforms=PLATFORMS)


def _store_payload(names, integers=()) -> dict:
    data = payload(text=names, integers=integers)
    if request.form.get("committed_households", "").strip():
        data["committed_households"] = household_list(request.form["committed_households"])
    return data


def _form(errors, values, store=None):
    return form_page("ecommerce/store_form.html", errors, values=values, store=store, kinds=STORE_KINDS,
                     platforms=PLATFORMS)


@bp.route("/stores/new", methods=["GET", "POST"])
@require(WRITE)
def new_store():
    if request.method == "GET":
        return _form({}, {"kind": request.args.get("kind", "household"), "opened_on": date.today().isoformat(),
                          "household_id": request.args.get("household_id", "")})
    store, errors = submit(StoreCreateSchema, _store_payload(TEXT), ecommerce().open_store, store_county)
    if errors:
        return _form(errors, request.form)
    flash(_("Store %(name)s opened.", name=store["name"]))
    return redirect(url_for("ecommerce_stores.store", store_id=store["_id"]))


@bp.route("/stores/<store_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_store(store_id):
    store, principal = store_for(WRITE, store_id)
    if request.method == "GET":
        return _form({}, {**store, "committed_households": "\n".join(store.get("committed_households") or [])}, store)
    data = _store_payload(("name", "platform", "url", "owner_name", "reason"), integers=("version",))
    if store["kind"] == "household":
        data.pop("committed_households", None)
    saved, errors = submit(StoreUpdateSchema, data, partial(ecommerce().update_store, store), principal=principal)
    if errors:
        return _form(errors, request.form, store)
    flash(_("Store %(name)s updated.", name=saved["name"]))
    return redirect(url_for("ecommerce_stores.store", store_id=store_id))


def _store_page(store_id, errors=None, values=None):
    store, principal = store_for(READ, store_id)
    sales, sales_total = ecommerce().sales.list(principal.county_filter, {"store_id": store_id}, 0, 20)
    can_write = principal.can(WRITE, "ecommerce", store["county_code"]) and store["status"] == OPEN
    households = [(h, current_app.extensions["household_view"].get(h)) for h in households_of(store)]
    return form_page("ecommerce/store.html", errors or {}, t=store, sales=sales, sales_total=sales_total,
                     can_write=can_write, households=households, values=values or {}, today=date.today().isoformat())


@bp.get("/stores/<store_id>")
@require(READ)
def store(store_id):
    return _store_page(store_id)


@bp.post("/stores/<store_id>/close")
@require(WRITE)
def close_store(store_id):
    store, principal = store_for(WRITE, store_id)
    _closed, errors = submit(StoreCloseSchema, text("closed_on", "reason"), partial(ecommerce().close_store, store),
                             principal=principal)
    if errors:
        return _store_page(store_id, errors, request.form)
    flash(_("Store closed."))
    return redirect(url_for("ecommerce_stores.store", store_id=store_id))
