"""The warnings page (防返贫监测) and the buttons that take a warning's steps, there and on the
household page; they call the same desk as the API (services/registry/warning_desk.py)."""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import APPROVE, READ, WRITE
from shared.auth.web import authorize, require
from shared.programs.refused import Refused
from shared.web.messages import say
from shared.web.redirects import same_site

from services.registry.api.warnings import assignable_in, desk
from services.registry.domain.warning_life import DECIDING_STEPS, STEPS

bp = Blueprint("registry_warnings_ui", __name__)


@bp.get("/warnings")
@require(READ)
def warnings():
    principal = authorize(READ)
    items = desk().listing(principal.county_filter)
    if request.args.get("overdue"):
        items = [w for w in items if w["overdue"]]
    return render_template("registry/warnings.html", items=items, overdue=desk().overdue_count(principal.county_filter),
                           only_overdue=bool(request.args.get("overdue")), **step_rights(principal))


def step_rights(principal, county: str | None = None) -> dict:
    """What the warning step buttons of a page need to know of who is looking."""
    return {"can_follow_up": principal.can(WRITE, "registry", county),
            "can_decide": principal.can(APPROVE, "registry", county), "deciding_steps": DECIDING_STEPS}


@bp.post("/warnings/<warning_id>/steps")
@require(WRITE)
def take_step(warning_id):
    step = request.form.get("step", "")
    try:
        warning = desk().warning(warning_id)
    except Refused:
        abort(404)
    principal = authorize(APPROVE if step in DECIDING_STEPS else WRITE, county=warning["county_code"])
    if step not in STEPS:
        flash(_("Nothing to do."))
        return redirect(same_site(request.form.get("next"), url_for("registry_warnings_ui.warnings")))
    measures = [m for value in request.form.getlist("measures") for m in re.split(r"[\s,]+", value) if m]
    try:
        desk().step(warning, step, request.form.get("note", "")[:500], principal.username,
                    assignee=request.form.get("assignee", "")[:64], measures=measures[:50],
                    assignable=assignable_in(warning["county_code"]), central=principal.is_central)
    except Refused as exc:
        flash(_("The warning was not changed: %(e)s", e=say(exc.said)))
    else:
        flash(_("Done: %(step)s.", step=_(step)))
    return redirect(same_site(request.form.get("next"), url_for("registry_warnings_ui.warnings")))
