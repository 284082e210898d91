"""Pages of poor villages (贫困村), task forces (驻村工作队) and coverage by area, on the API's
service (services/registry/villages.py) and scoped as the API is: the county is in a village
code or a task force, so 403 comes before 404."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import APPROVE, READ, WRITE
from shared.auth.web import authorize, require
from shared.programs.refused import Refused
from shared.web.messages import say
from services.registry.api.common import registry
from services.registry.api.dashboard import sees_area
from services.registry.domain.areas import prefix_of
from services.registry.domain.exit_rules import today_utc
from services.registry.domain.villages import GAPS, VILLAGE_STATUSES, VILLAGE_TRANSITIONS
from services.registry.ui.dashboard_views import area_asked

bp = Blueprint("registry_village_ui", __name__)
PER_PAGE = 100


def _village(village_code: str, action: str = READ):
    if not (village_code.isdigit() and len(village_code) == 12):
        abort(404, description=_("No such village."))
    principal = authorize(action, county=village_code[:6])
    doc = registry().villages.files.get(village_code)
    if doc is None:
        abort(404, description=_("No such village."))
    return principal, doc


@bp.get("/villages")
@require(READ)
def villages():
    principal = authorize(READ)
    area = area_asked(principal)
    status = request.args.get("status") if request.args.get("status") in VILLAGE_STATUSES else None
    page = max(1, request.args.get("page", 1, type=int))
    items, total = registry().villages.files.list(principal.county_filter, prefix_of(area), [status] if status else None,
                                                  (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("registry/villages.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           area=area, crumbs=_crumbs(principal, area), status=status or "", statuses=VILLAGE_STATUSES,
                           gaps=GAPS)


@bp.get("/villages/<village_code>")
@require(READ)
def village(village_code):
    principal, doc = _village(village_code)
    service = registry().villages
    return render_template("registry/village.html", v=doc, gaps=GAPS, crumbs=_crumbs(principal, village_code),
                           households=service.households_of(village_code, principal.county_filter),
                           stationed=service.stationed_in(village_code),
                           task_forces=service.task_forces.list(principal.county_filter, village_code=village_code),
                           next_statuses=VILLAGE_TRANSITIONS[doc["status"]],
                           can_decide=principal.can(APPROVE, "registry", village_code[:6]))


@bp.post("/villages/<village_code>/status")
@require(WRITE)
def village_status(village_code):
    principal, doc = _village(village_code, APPROVE)
    status, reason = request.form.get("status", ""), request.form.get("reason", "").strip()
    if status not in VILLAGE_STATUSES or not reason:
        flash(_("A new status and a reason are required."))
    else:
        try:
            registry().villages.change_status(doc, status, principal.username, reason)
        except Refused as exc:
            flash(say(exc.said))
        else:
            flash(_("Done: %(step)s.", step=_(status)))
    return redirect(url_for(".village", village_code=village_code))


@bp.get("/task-forces")
@require(READ)
def task_forces():
    principal = authorize(READ)
    area = area_asked(principal)
    return render_template("registry/task_forces.html", area=area, crumbs=_crumbs(principal, area), today=today_utc().isoformat(),
                           items=registry().villages.task_forces.list(principal.county_filter, prefix_of(area)))


@bp.get("/task-forces/<task_force_id>")
@require(READ)
def task_force(task_force_id):
    authorize(READ)
    try:
        doc = registry().villages.task_force(task_force_id)
    except Refused:
        abort(404)
    principal = authorize(READ, county=doc["county_code"])
    names = registry().dashboards.names([s["village_code"] for s in doc["stationings"]])
    return render_template("registry/task_force.html", tf=doc, names=names, today=today_utc().isoformat(),
                           crumbs=_crumbs(principal, doc["county_code"]))


@bp.get("/coverage")
@require(READ)
def coverage():
    principal = authorize(READ)
    area = area_asked(principal)
    return render_template("registry/coverage.html", c=registry().villages.coverage(area, principal.county_filter),
                           area=area, crumbs=_crumbs(principal, area))


def _crumbs(principal, area: str) -> list[dict]:
    """The area and those above it that the person may open, with their official names."""
    return [c for c in registry().dashboards.breadcrumbs(area) if sees_area(principal, c["code"])]
