"""The central office's dashboard page: one area at a time, with drill-down from province
to village to household, charts drawn in the browser from the same figures as the API."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from shared.auth.roles import READ
from shared.auth.web import authorize, require
from shared.events.topics import PROGRAMS
from services.registry.api.dashboard import figures, sees_area
from services.registry.domain.areas import level_of, parent_of
from services.registry.domain.exit_rules import STATUSES

bp = Blueprint("registry_dashboard_ui", __name__)


def _default_area(principal) -> str:
    if principal.county:
        return principal.county
    province = current_app.extensions["areas"].areas.find_one({"level": "province"}, sort=[("_id", 1)])
    return province["_id"] if province else "620000"


def _breadcrumbs(code: str) -> list[dict]:
    chain, current = [], code
    while current:
        chain.append(current)
        current = parent_of(current)
    names = current_app.extensions["areas"].names(chain)
    return [{"code": c, "name": names.get(c, c), "level": level_of(c)} for c in reversed(chain)]


@bp.get("/dashboard")
@require(READ)
def dashboard():
    principal = authorize(READ)
    area = request.args.get("area") or _default_area(principal)
    try:
        level_of(area)
    except ValueError:
        abort(404)
    if not sees_area(principal, area):
        abort(403, description="your role sees only its own county")
    data = figures(area)
    return render_template(
        "registry/dashboard.html", d=data, area=area, crumbs=_breadcrumbs(area), series=_series(data),
        income_total=sum(p.get("income_fen", 0) for p in data["programs"].values()),
        exits=sum(m.get("exits", 0) for m in data["registry_months"].values()),
        returns=sum(m.get("returns", 0) for m in data["registry_months"].values()))


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
