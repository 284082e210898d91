"""Pages of resettlement sites: list, create, detail with occupancy and the cases there."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.relocation import SITE_KINDS
from shared.programs.forms import PER_PAGE, args, page_number, payload, refused, validate
from shared.programs.refused import Refused
from services.relocation.api import schemas as s
from services.relocation.api.common import relocation
from services.relocation.domain.sites import occupancy

bp = Blueprint("relocation_sites", __name__)


@bp.get("/")
@require(READ)
def home():
    return redirect(url_for("relocation_cases.index"))


@bp.get("/sites")
@require(READ)
def index():
    principal = authorize(READ)
    filters = args("q", "kind", "county_code")
    page = page_number()
    items, total = relocation().sites.list(principal.county_filter, filters, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("relocation/sites.html", items=[{**i, "occ": occupancy(i)} for i in items], total=total,
                           page=page, per_page=PER_PAGE, filters=filters, kinds=SITE_KINDS)


@bp.route("/sites/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        fields, errors = validate(s.SiteCreateSchema, payload(text=("name", "kind", "village_code", "township", "village"),
                                                              integers=("capacity_households", "capacity_m2")))
        if fields:
            principal = authorize(WRITE, county=fields["village_code"][:6])
            try:
                site = relocation().create_site(fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Site %(id)s registered.", id=site["_id"]))
                return redirect(url_for("relocation_sites.detail", site_id=site["_id"]))
    return render_template("relocation/site_form.html", errors=errors, values=values, kinds=SITE_KINDS), \
        422 if errors else 200


@bp.get("/sites/<site_id>")
@require(READ)
def detail(site_id):
    site = relocation().sites.get(site_id)
    if site is None:
        abort(404, description=_("No such site."))
    authorize(READ, county=site["county_code"])
    cases, total = relocation().cases.list({}, {"site_id": site_id}, 0, 200)
    return render_template("relocation/site.html", site=site, occ=occupancy(site), cases=cases, total=total)
