"""E-commerce pages: recent sales and the form to record one."""
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.household_ids import county_of
from shared.events.types.ecommerce import CHANNELS
from shared.web.forms import form_errors, int_or_text, yuan_to_fen
from services.ecommerce.api.resources import sale_problem
from services.ecommerce.api.schemas import SaleCreateSchema

bp = Blueprint("ecommerce_ui", __name__)
PER_PAGE = 50


def repo():
    return current_app.extensions["sales"]


@bp.get("/")
@require(READ)
def index():
    principal = authorize(READ)
    household_id = request.args.get("household_id", "").strip() or None
    page = max(1, request.args.get("page", 1, type=int))
    items, total = repo().list(principal.county_filter, household_id, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("ecommerce/index.html", items=items, total=total, page=page,
                           per_page=PER_PAGE, household_id=household_id or "")


@bp.route("/sales/new", methods=["GET", "POST"])
@require(WRITE)
def new_sale():
    errors, values = {}, request.form
    if request.method == "POST":
        payload = {k: request.form.get(k, "").strip() for k in ("household_id", "product", "unit", "channel", "sold_on")}
        payload["quantity"] = int_or_text(request.form.get("quantity", ""))
        payload["amount_fen"] = yuan_to_fen(request.form.get("amount_yuan", ""))
        payload["income_fen"] = yuan_to_fen(request.form.get("income_yuan", ""))
        try:
            fields = SaleCreateSchema().load(payload)
        except ValidationError as exc:
            errors = form_errors(exc.messages)
        else:
            principal = authorize(WRITE, county=county_of(fields["household_id"]))
            problem = sale_problem(fields["household_id"])
            if problem:
                errors = {"household_id": problem}
            else:
                sale = repo().record(fields, principal.username)
                flash(_("Sale %(id)s recorded.", id=sale["_id"]))
                return redirect(url_for("ecommerce_ui.index"))
    else:
        values = {"household_id": request.args.get("household_id", ""), "sold_on": date.today().isoformat(), "unit": "kg"}
    return render_template("ecommerce/new_sale.html", errors=errors, values=values, channels=CHANNELS), 422 if errors else 200
