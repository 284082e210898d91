"""The central office's dashboard page: one area at a time, with drill-down from province
to village to household, charts drawn in the browser from the same figures as the API."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from shared.auth.roles import READ
from shared.auth.web import authorize, require
from shared.events.topics import PROGRAMS
from services.registry.api.common import registry
from services.registry.api.dashboard import sees_area
from services.registry.domain.areas import level_of
from services.registry.domain.exit_rules import STATUSES
from services.registry.domain.warning_life import area_scope

bp = Blueprint("registry_dashboard_ui", __name__)


@bp.get("/dashboard")
@require(READ)
def dashboard():
    principal = authorize(READ)
    dashboards = registry().dashboards
    area = area_asked(principal)
    data = dashboards.figures(area)
    # Only the areas above that the person may open: a county sees no link to its province.
    crumbs = [c for c in dashboards.breadcrumbs(area) if sees_area(principal, c["code"])]
    return render_template(
        "registry/dashboard.html", d=data, area=area, crumbs=crumbs, series=_series(data),
        overdue_warnings=current_app.extensions["warning_desk"].overdue_count(area_scope(area, level_of(area))),
        income_total=sum(p.get("income_fen", 0) for p in data["programs"].values()),
        exits=sum(m.get("exits", 0) for m in data["registry_months"].values()),
        returns=sum(m.get("returns", 0) for m in data["registry_months"].values()))


def area_asked(principal) -> str:
    """The area a page asks for (``?area=``; the person's own when none): 404 for no area
    code, 403 outside the person's scope."""
    area = request.args.get("area") or registry().dashboards.default_area(principal)
    try:
        level_of(area)
    except ValueError:
        abort(404)
    if not sees_area(principal, area):
        abort(403, description="your role sees only its own county")
    return area


def _series(data: dict) -> dict:
    """Labels and data sets for the four charts (translated labels, yuan, percentages)."""
    statuses = [s for s in STATUSES if s != "removed"]
    months = sorted({m for p in PROGRAMS for m in data["months"][p]} | set(data["registry_months"]) - {"-"})
    children = data["children"]
    return {
        "status": {"labels": [_(s) for s in statuses],
                   "datasets": [{"label": _("Households"), "data": [data["households"].get(s, 0) for s in statuses]}]},
        "incidence": {"labels": [c["name"] for c in children], "datasets": [
            {"label": _("Poverty incidence (%)"), "data": [round(c["incidence"] * 100, 2) for c in children]},
            {"label": _("Exit threshold (%)"), "type": "line", "color": "#2e8540",
             "data": [c["threshold"] * 100 for c in children]}]},
        "income": {"labels": months, "datasets": [
            {"label": _(p), "data": [data["months"][p].get(m, {}).get("income_fen", 0) / 100 for m in months]}
            for p in PROGRAMS if data["months"][p]]},
        "exits": {"labels": months, "datasets": [
            {"label": _("Exits"), "data": [data["registry_months"].get(m, {}).get("exits", 0) for m in months]},
            {"label": _("Returns to poverty"), "data": [data["registry_months"].get(m, {}).get("returns", 0) for m in months]}]},
    }
