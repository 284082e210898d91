"""Pages of installations: the list, the create and edit forms, and the detail page with
its members, posts and actions."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.photovoltaic import KINDS
from shared.programs.refused import Refused
from shared.programs.forms import PER_PAGE, args, page_number, payload, refused, validate
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import authorized, photovoltaic

bp = Blueprint("pv_installations", __name__)
FIELDS = ("kind", "name", "capacity_kw", "commissioned_on", "village_code", "household_id")


@bp.get("/")
@require(READ)
def index():
    principal = authorize(READ)
    filters = args("q", "kind", "status", "county_code", "household_id")
    page = page_number()
    items, total = photovoltaic().search(principal.county_filter, filters, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("photovoltaic/installations.html", items=items, total=total, page=page,
                           per_page=PER_PAGE, filters=filters, kinds=KINDS)


@bp.route("/installations/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        fields, errors = validate(s.InstallationCreateSchema, payload(text=FIELDS))
        if fields:
            principal = authorize(WRITE, county=fields["village_code"][:6])
            try:
                doc = photovoltaic().create(fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Installation %(id)s registered.", id=doc["_id"]))
                return redirect(url_for("pv_installations.detail", installation_id=doc["_id"]))
    else:
        values = {"kind": request.args.get("kind", "station"), "household_id": request.args.get("household_id", "")}
    return render_template("photovoltaic/installation_form.html", errors=errors, values=values, kinds=KINDS,
                           installation=None), 422 if errors else 200


@bp.route("/installations/<installation_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit(installation_id):
    doc = _get(installation_id)
    errors, values = {}, request.form
    if request.method == "POST":
        fields, errors = validate(s.InstallationEditSchema, payload(text=FIELDS[1:5]))
        if fields:
            principal = authorize(WRITE, county=doc["county_code"])
            try:
                photovoltaic().edit(doc, fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Installation %(id)s updated.", id=installation_id))
                return redirect(url_for("pv_installations.detail", installation_id=installation_id))
    else:
        values = {k: doc.get(k) for k in FIELDS}
    return render_template("photovoltaic/installation_form.html", errors=errors, values=values, kinds=KINDS,
                           installation=doc), 422 if errors else 200


@bp.get("/installations/<installation_id>")
@require(READ)
def detail(installation_id, errors=None, status=200):
    pv = photovoltaic()
    doc = pv.with_status([_get(installation_id)])[0]
    authorize(READ, county=doc["county_code"])
    reports, _n = pv.reports.list({}, {"installation_id": installation_id}, 0, 12)
    faults, _n = pv.faults.list({}, {"installation_id": installation_id}, 0, 10)
    distributions, _n = pv.distributions.list({}, {"installation_id": installation_id}, 0, 12)
    return render_template("photovoltaic/installation.html", i=doc, reports=reports, faults=faults,
                           distributions=distributions, errors=errors or {}, values=request.form), status


# --- members and posts: small forms on the detail page --------------------------------------------
def _act(installation_id: str, form: str, schema, data: dict, action, done: str):
    """``action(service, installation, fields, by)`` once the form is valid and the caller
    may write in the installation's county (an installation gone is the form's error)."""
    fields, errors = validate(schema, data, form)
    if fields:
        try:
            pv = photovoltaic()
            doc, principal = authorized(WRITE, pv.installations.require(installation_id))
            action(pv, doc, fields, principal.username)
        except Refused as exc:
            errors = refused(exc, form)
        else:
            flash(done)
            return redirect(url_for("pv_installations.detail", installation_id=installation_id))
    return detail(installation_id, errors=errors, status=422)


@bp.post("/installations/<installation_id>/members")
@require(WRITE)
def join(installation_id):
    return _act(installation_id, "join", s.JoinSchema, payload(text=("household_id", "joined_on"), integers=("shares",)),
                lambda pv, doc, f, by: pv.join(doc, f["household_id"], f["shares"], f["joined_on"], by),
                _("Household %(id)s joined the station.", id=request.form.get("household_id", "")))


@bp.post("/installations/<installation_id>/members/<household_id>/shares")
@require(WRITE)
def shares(installation_id, household_id):
    return _act(installation_id, f"shares-{household_id}", s.SharesSchema, payload(integers=("shares",)),
                lambda pv, doc, f, by: pv.set_shares(doc, household_id, f["shares"], by),
                _("Shares of %(id)s changed.", id=household_id))


@bp.post("/installations/<installation_id>/members/<household_id>/leave")
@require(WRITE)
def leave(installation_id, household_id):
    return _act(installation_id, f"leave-{household_id}", s.LeaveSchema, payload(text=("reason",)),
                lambda pv, doc, f, by: pv.leave(doc, household_id, f["reason"], f["left_on"], by),
                _("Household %(id)s left the station.", id=household_id))


@bp.post("/installations/<installation_id>/posts")
@require(WRITE)
def add_post(installation_id):
    data = payload(text=("household_id", "member_name", "post", "since"), yuan={"monthly_wage_yuan": "monthly_wage_fen"})
    return _act(installation_id, "post", s.PostCreateSchema, data,
                lambda pv, doc, f, by: pv.assign_post(doc, f, by),
                _("Public-welfare post assigned."))


@bp.post("/installations/<installation_id>/posts/<post_id>/end")
@require(WRITE)
def end_post(installation_id, post_id):
    return _act(installation_id, f"end-{post_id}", s.PostEndSchema, payload(text=("reason",)),
                lambda pv, doc, f, by: pv.end_post(doc, post_id, f["reason"], f["ended_on"], by),
                _("Public-welfare post ended."))


def _get(installation_id: str) -> dict:
    doc = photovoltaic().installations.get(installation_id)
    if doc is None:
        abort(404, description=_("No such installation."))
    return doc
