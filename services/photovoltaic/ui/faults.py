"""Pages of faults: list, report one, detail with the restoration form."""
from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.photovoltaic import FAULT_CAUSES
from shared.programs.forms import form_page, listing, payload, record_or_404, submit, submit_on
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import photovoltaic
from services.photovoltaic.ui.installations import installation_named

bp = Blueprint("pv_faults", __name__)


@bp.get("/faults")
@require(READ)
def index():
    shown = listing("q", "installation_id", "status", "cause", "county_code")
    items, total = photovoltaic().faults.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("photovoltaic/faults.html", items, total, causes=FAULT_CAUSES,
                        down_days=photovoltaic().policy.down_days)


@bp.route("/faults/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        data = payload(text=("installation_id", "down_since", "cause", "note"))
        fault, errors = submit_on(s.FaultCreateSchema, data, installation_named, photovoltaic().report_fault)
        if not errors:
            flash(_("Fault %(id)s recorded.", id=fault["_id"]))
            return redirect(url_for("pv_faults.detail", fault_id=fault["_id"]))
    else:
        values = {"installation_id": request.args.get("installation_id", ""), "down_since": date.today().isoformat()}
    return form_page("photovoltaic/fault_form.html", errors, values=values, causes=FAULT_CAUSES)


@bp.route("/faults/<fault_id>", methods=["GET", "POST"])
@require(READ)
def detail(fault_id):
    fault, _reader = record_or_404(photovoltaic().faults.get(fault_id), missing=_("No such fault."))
    errors = {}
    if request.method == "POST":  # the restoration form
        restorer = authorize(WRITE, county=fault["county_code"])
        _done, errors = submit(s.RestoreSchema, payload(text=("restored_on",)),
                               lambda fields, by: photovoltaic().restore(fault, fields["restored_on"], by),
                               principal=restorer)
        if not errors:
            flash(_("Fault %(id)s restored.", id=fault_id))
            return redirect(url_for("pv_faults.detail", fault_id=fault_id))
    return form_page("photovoltaic/fault.html", errors, f=fault, today=date.today().isoformat(), values=request.form,
                     down_days=photovoltaic().policy.down_days)
