"""Pages of installations: the list, the create and edit forms, and the detail page with
its members, posts and actions."""
from functools import partial

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.photovoltaic import KINDS
from shared.programs.forms import form_page, listing, payload, submit, submit_on, village_county
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import photovoltaic

bp = Blueprint("pv_installations", __name__)
FIELDS = ("kind", "name", "capacity_kw", "commissioned_on", "village_code", "household_id")


@bp.get("/")
@require(READ)
def index():
    shown = listing("q", "kind", "status", "county_code", "household_id")
    items, total = photovoltaic().search(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("photovoltaic/installations.html", items, total, kinds=KINDS)


@bp.route("/installations/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        doc, errors = submit(s.InstallationCreateSchema, payload(text=FIELDS), photovoltaic().create, village_county)
        if not errors:
            flash(_("Installation %(id)s registered.", id=doc["_id"]))
            return redirect(url_for("pv_installations.detail", installation_id=doc["_id"]))
    else:
        values = {"kind": request.args.get("kind", "station"), "household_id": request.args.get("household_id", "")}
    return form_page("photovoltaic/installation_form.html", errors, values=values, kinds=KINDS, installation=None)


@bp.route("/installations/<installation_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit(installation_id):
    doc = _get(installation_id)
    errors, values = {}, request.form
    if request.method == "POST":
        _saved, errors = submit(s.InstallationEditSchema, payload(text=FIELDS[1:5]), partial(photovoltaic().edit, doc),
                                doc["county_code"])
        if not errors:
            flash(_("Installation %(id)s updated.", id=installation_id))
            return redirect(url_for("pv_installations.detail", installation_id=installation_id))
    else:
        values = {k: doc.get(k) for k in FIELDS}
    return form_page("photovoltaic/installation_form.html", errors, values=values, kinds=KINDS, installation=doc)


@bp.get("/installations/<installation_id>")
@require(READ)
def detail(installation_id, errors=None):
    pv = photovoltaic()
    doc = pv.with_status([_get(installation_id)])[0]
    authorize(READ, county=doc["county_code"])
    reports, _n = pv.reports.list({}, {"installation_id": installation_id}, 0, 12)
    faults, _n = pv.faults.list({}, {"installation_id": installation_id}, 0, 10)
    distributions, _n = pv.distributions.list({}, {"installation_id": installation_id}, 0, 12)
    return form_page("photovoltaic/installation.html", errors or {}, i=doc, reports=reports, faults=faults,
                     distributions=distributions, values=request.form)


def installation_named(fields: dict) -> dict:
    """The installation a form names; a refusal at its field if there is none."""
    return photovoltaic().installations.require(fields["installation_id"])


# --- members and posts: small forms on the detail page --------------------------------------------
def _act(installation_id: str, form: str, schema, data: dict, action, done: str):
    """``action(installation, fields, by)`` once the form is valid and the caller may write in
    the installation's county (an installation gone is the form's error)."""
    _result, errors = submit_on(schema, data, lambda _fields: photovoltaic().installations.require(installation_id),
                                action, prefix=form)
    if errors:
        return detail(installation_id, errors=errors)
    flash(done)
    return redirect(url_for("pv_installations.detail", installation_id=installation_id))


@bp.post("/installations/<installation_id>/members")
@require(WRITE)
def join(installation_id):
    data = payload(text=("household_id", "joined_on"), integers=("shares",))
    return _act(installation_id, "join", s.JoinSchema, data,
                lambda doc, f, by: photovoltaic().join(doc, f["household_id"], f["shares"], f["joined_on"], by),
                _("Household %(id)s joined the station.", id=request.form.get("household_id", "")))


@bp.post("/installations/<installation_id>/members/<household_id>/shares")
@require(WRITE)
def shares(installation_id, household_id):
    return _act(installation_id, f"shares-{household_id}", s.SharesSchema, payload(integers=("shares",)),
                lambda doc, f, by: photovoltaic().set_shares(doc, household_id, f["shares"], by),
                _("Shares of %(id)s changed.", id=household_id))


@bp.post("/installations/<installation_id>/members/<household_id>/leave")
@require(WRITE)
def leave(installation_id, household_id):
    return _act(installation_id, f"leave-{household_id}", s.LeaveSchema, payload(text=("reason",)),
                lambda doc, f, by: photovoltaic().leave(doc, household_id, f["reason"], f["left_on"], by),
                _("Household %(id)s left the station.", id=household_id))


@bp.post("/installations/<installation_id>/posts")
@require(WRITE)
def add_post(installation_id):
    data = payload(text=("household_id", "member_name", "post", "since"),
                   yuan={"monthly_wage_yuan": "monthly_wage_fen"})
    return _act(installation_id, "post", s.PostCreateSchema, data, photovoltaic().assign_post,
                _("Public-welfare post assigned."))


@bp.post("/installations/<installation_id>/posts/<post_id>/end")
@require(WRITE)
def end_post(installation_id, post_id):
    return _act(installation_id, f"end-{post_id}", s.PostEndSchema, payload(text=("reason",)),
                lambda doc, f, by: photovoltaic().end_post(doc, post_id, f["reason"], f["ended_on"], by),
                _("Public-welfare post ended."))


def _get(installation_id: str) -> dict:
    doc = photovoltaic().installations.get(installation_id)
    if doc is None:
        abort(404, description=_("No such installation."))
    return doc
