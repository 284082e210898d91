"""Pages of distributions: list, run one, detail."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.events.types.photovoltaic import MODES
from shared.programs.forms import form_page, listing, payload, record_or_404, submit_on
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import photovoltaic
from services.photovoltaic.ui.installations import installation_named

bp = Blueprint("pv_distributions", __name__)


@bp.get("/distributions")
@require(READ)
def index():
    shown = listing("installation_id", "month", "mode", "county_code", "household_id")
    items, total = photovoltaic().distributions.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("photovoltaic/distributions.html", items, total, modes=MODES)


@bp.route("/distributions/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        data = payload(text=("installation_id", "month", "mode"), yuan={"amount_yuan": "amount_fen"},
                       optional=("amount_fen",))
        paid, errors = submit_on(s.DistributionCreateSchema, data, installation_named, photovoltaic().distribute)
        if not errors:
            distribution, created = paid
            flash(_("Distribution %(id)s paid.", id=distribution["_id"]) if created else
                  _("%(id)s was already distributed; nothing was paid again.", id=distribution["_id"]))
            return redirect(url_for("pv_distributions.detail", distribution_id=distribution["_id"]))
    else:
        values = {"installation_id": request.args.get("installation_id", ""), "month": request.args.get("month", ""),
                  "mode": request.args.get("mode", "dividends")}
    return form_page("photovoltaic/distribution_form.html", errors, values=values, modes=MODES,
                     reserve_percent=photovoltaic().policy.reserve_percent)


@bp.get("/distributions/<distribution_id>")
@require(READ)
def detail(distribution_id):
    doc, _principal = record_or_404(photovoltaic().distributions.get(distribution_id),
                                    missing=_("No such distribution."))
    return render_template("photovoltaic/distribution.html", d=doc)
