"""Pages of resettlement sites: list, create, detail with occupancy and the cases there."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.events.types.relocation import SITE_KINDS
from shared.programs.forms import form_page, listing, payload, record_or_404, submit, village_county
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
    shown = listing("q", "kind", "county_code")
    items, total = relocation().sites.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("relocation/sites.html", [{**i, "occ": occupancy(i)} for i in items], total, kinds=SITE_KINDS)


@bp.route("/sites/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors = {}
    if request.method == "POST":
        data = payload(text=("name", "kind", "village_code", "township", "village"),
                       integers=("capacity_households", "capacity_m2"))
        site, errors = submit(s.SiteCreateSchema, data, relocation().create_site, village_county)
        if not errors:
            flash(_("Site %(id)s registered.", id=site["_id"]))
            return redirect(url_for("relocation_sites.detail", site_id=site["_id"]))
    return form_page("relocation/site_form.html", errors, values=request.form, kinds=SITE_KINDS)


@bp.get("/sites/<site_id>")
@require(READ)
def detail(site_id):
    site, _reader = record_or_404(relocation().sites.get(site_id), missing=_("No such site."))
    cases, total = relocation().cases.list({}, {"site_id": site_id}, 0, 200)
    return render_template("relocation/site.html", site=site, occ=occupancy(site), cases=cases, total=total)
