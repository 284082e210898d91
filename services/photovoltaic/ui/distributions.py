"""Pages of distributions: list, run one, detail."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.photovoltaic import MODES
from shared.programs.refused import Refused
from shared.programs.forms import PER_PAGE, args, page_number, payload, refused, validate
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import authorized, photovoltaic

bp = Blueprint("pv_distributions", __name__)


@bp.get("/distributions")
@require(READ)
def index():
    principal = authorize(READ)
    filters = args("installation_id", "month", "mode", "county_code", "household_id")
    page = page_number()
    items, total = photovoltaic().distributions.list(principal.county_filter, filters,
                                                     (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("photovoltaic/distributions.html", items=items, total=total, page=page,
                           per_page=PER_PAGE, filters=filters, modes=MODES)


@bp.route("/distributions/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        data = payload(text=("installation_id", "month", "mode"), yuan={"amount_yuan": "amount_fen"},
                       optional=("amount_fen",))
        fields, errors = validate(s.DistributionCreateSchema, data)
        if fields:
            try:
                pv = photovoltaic()
                station, principal = authorized(WRITE, pv.installations.require(fields["installation_id"]))
                distribution, created = pv.distribute(station, fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Distribution %(id)s paid.", id=distribution["_id"]) if created else
                      _("%(id)s was already distributed; nothing was paid again.", id=distribution["_id"]))
                return redirect(url_for("pv_distributions.detail", distribution_id=distribution["_id"]))
    else:
        values = {"installation_id": request.args.get("installation_id", ""), "month": request.args.get("month", ""),
                  "mode": request.args.get("mode", "dividends")}
    return render_template("photovoltaic/distribution_form.html", errors=errors, values=values, modes=MODES,
                           reserve_percent=photovoltaic().policy.reserve_percent), 422 if errors else 200


@bp.get("/distributions/<distribution_id>")
@require(READ)
def detail(distribution_id):
    doc = photovoltaic().distributions.get(distribution_id)
    if doc is None:
        abort(404, description=_("No such distribution."))
    authorize(READ, county=doc["county_code"])
    return render_template("photovoltaic/distribution.html", d=doc)
