"""Registry pages: household list with search, the create form, a household's file and history."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.web.forms import form_errors, int_or_text
from services.registry.api.schemas import HouseholdCreateSchema
from services.registry.domain.households import CAUSES, RELATIONS, SEXES, county_of

bp = Blueprint("registry_ui", __name__)
MEMBER_ROWS = 5
PER_PAGE = 50


def repo():
    return current_app.extensions["households"]


@bp.get("/")
@require(READ)
def index():
    principal = authorize(READ)
    q = request.args.get("q", "").strip()[:50] or None
    page = max(1, request.args.get("page", 1, type=int))
    items, total = repo().search(principal.county_filter, q, None, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("registry/index.html", items=items, total=total, page=page,
                           per_page=PER_PAGE, q=q or "")


def _form_to_payload(form) -> dict:
    members = []
    for i in range(MEMBER_ROWS):
        name = form.get(f"members-{i}-name", "").strip()
        if not name:
            continue
        members.append({"name": name, "relation": form.get(f"members-{i}-relation", ""),
                        "sex": form.get(f"members-{i}-sex", ""),
                        "birth_year": int_or_text(form.get(f"members-{i}-birth_year", ""))})
    income_yuan = form.get("income_per_capita_yuan", "").strip()
    try:
        income_fen = round(float(income_yuan) * 100) if income_yuan else None
    except ValueError:
        income_fen = income_yuan
    payload = {k: form.get(k, "").strip() for k in ("head_name", "county_code", "township", "village", "main_cause")}
    payload["members"] = members
    if income_fen is not None:
        payload["income_per_capita_fen"] = income_fen
    return payload


@bp.route("/households/new", methods=["GET", "POST"])
@require(WRITE)
def new_household():
    errors, values = {}, request.form
    if request.method == "POST":
        payload = _form_to_payload(request.form)
        try:
            fields = HouseholdCreateSchema().load(payload)
        except ValidationError as exc:
            errors = form_errors(exc.messages)
        else:
            principal = authorize(WRITE, county=fields["county_code"])
            household = repo().create(fields, principal.username)
            return redirect(url_for("registry_ui.household", household_id=household["_id"]))
    return render_template("registry/new.html", errors=errors, values=values, causes=CAUSES,
                           relations=RELATIONS, sexes=SEXES, member_rows=MEMBER_ROWS), 422 if errors else 200


@bp.get("/households/<household_id>")
@require(READ)
def household(household_id):
    authorize(READ, county=county_of(household_id))
    doc = repo().get(household_id)
    if doc is None:
        return render_template("error.html", code=404, status="Not Found",
                               message=_("No such household."), errors={}), 404
    return render_template("registry/household.html", h=doc, timeline=repo().timeline(household_id))
