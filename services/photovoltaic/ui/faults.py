"""Pages of faults: list, report one, detail with the restoration form."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.photovoltaic import FAULT_CAUSES
from shared.programs.refused import Refused
from shared.programs.forms import PER_PAGE, args, page_number, payload, refused, validate
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import authorized, photovoltaic

bp = Blueprint("pv_faults", __name__)


@bp.get("/faults")
@require(READ)
def index():
    principal = authorize(READ)
    filters = args("q", "installation_id", "status", "cause", "county_code")
    page = page_number()
    items, total = photovoltaic().faults.list(principal.county_filter, filters, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("photovoltaic/faults.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           filters=filters, causes=FAULT_CAUSES, down_days=photovoltaic().policy.down_days)


@bp.route("/faults/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        fields, errors = validate(s.FaultCreateSchema, payload(text=("installation_id", "down_since", "cause", "note")))
        if fields:
            try:
                pv = photovoltaic()
                installation, principal = authorized(WRITE, pv.installations.require(fields["installation_id"]))
                fault = pv.report_fault(installation, fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Fault %(id)s recorded.", id=fault["_id"]))
                return redirect(url_for("pv_faults.detail", fault_id=fault["_id"]))
    else:
        values = {"installation_id": request.args.get("installation_id", ""), "down_since": date.today().isoformat()}
    return render_template("photovoltaic/fault_form.html", errors=errors, values=values, causes=FAULT_CAUSES), \
        422 if errors else 200


@bp.route("/faults/<fault_id>", methods=["GET", "POST"])
@require(READ)
def detail(fault_id):
    fault = photovoltaic().faults.get(fault_id)
    if fault is None:
        abort(404, description=_("No such fault."))
    authorize(READ, county=fault["county_code"])
    errors = {}
    if request.method == "POST":  # the restoration form
        principal = authorize(WRITE, county=fault["county_code"])
        fields, errors = validate(s.RestoreSchema, payload(text=("restored_on",)))
        if fields:
            try:
                photovoltaic().restore(fault, fields["restored_on"], principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Fault %(id)s restored.", id=fault_id))
                return redirect(url_for("pv_faults.detail", fault_id=fault_id))
    return render_template("photovoltaic/fault.html", f=fault, errors=errors, today=date.today().isoformat(),
                           values=request.form, down_days=photovoltaic().policy.down_days), \
        422 if errors else 200
