"""The central office's figures by area: households by status, poverty incidence against
the exit thresholds, money and income by program over time, exits and returns — all read
from counters kept up to date as events arrive, never recomputed from the history."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from shared.auth.roles import READ, WRITE, CENTRAL
from shared.auth.web import authorize
from shared.events.topics import PROGRAMS
from shared.web.schemas import StrictSchema
from services.registry.api.schemas import official_area
from services.registry.domain.areas import level_of
from services.registry.domain.dashboard import households_total, incidence_figures

blp = Blueprint("dashboard", __name__, url_prefix="/api", description="Dashboards and area reference data")
AreaCode = lambda **kw: fields.String(validate=[validate.Regexp(r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$"),  # noqa: E731
                                                official_area], **kw)


class AreaRowSchema(StrictSchema):
    code = AreaCode(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    population = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=10**9))


class AreaUploadSchema(StrictSchema):
    areas = fields.List(fields.Nested(AreaRowSchema), required=True, validate=validate.Length(min=1, max=100000))


class DashboardSchema(Schema):
    area = fields.Dict()
    households = fields.Dict()
    households_total = fields.Integer()
    people = fields.Dict()
    incidence = fields.Dict()
    programs = fields.Dict()
    months = fields.Dict()
    registry_months = fields.Dict()
    children = fields.List(fields.Dict())


def sees_area(principal, area_code: str) -> bool:
    """A county-scoped person sees its own county and what lies inside it, nothing above."""
    return not principal.county or (level_of(area_code) in ("county", "township", "village")
                                    and area_code.startswith(principal.county))


def _check_scope(principal, area_code: str) -> None:
    if not sees_area(principal, area_code):
        abort(403, message="your role sees only its own county")


def figures(area_code: str) -> dict:
    stats, areas = current_app.extensions["stats"], current_app.extensions["areas"]
    seen = stats.overview(area_code, ["households", "registry", *PROGRAMS], ["households", *PROGRAMS])
    status = seen["totals"]["households"]
    area = areas.get(area_code) or {"_id": area_code, "name": area_code}
    children = []
    child_status = seen["children"]["households"]
    child_money = {p: seen["children"][p] for p in PROGRAMS}
    codes = sorted(set(child_status) | {c for m in child_money.values() for c in m})
    names = areas.names(codes)
    populations = areas.populations(codes + [area_code])
    for code in codes:
        people = child_status.get(code, {}).get("people", {})
        children.append({
            "code": code, "name": names.get(code, code),
            "households": households_total(child_status.get(code, {}).get("households", {})),
            **incidence_figures(code, people, populations[code]),
            "income_fen": sum(child_money[p].get(code, {}).get("income_fen", 0) for p in PROGRAMS),
        })
    return {
        "area": {"code": area_code, "name": area.get("name"), "level": level_of(area_code)},
        "households": status.get("households", {}),
        "households_total": households_total(status.get("households", {})),
        "people": status.get("people", {}),
        "incidence": incidence_figures(area_code, status.get("people", {}), populations[area_code]),
        "programs": {p: seen["totals"][p] for p in PROGRAMS},
        "months": {p: seen["months"][p] for p in PROGRAMS},
        "registry_months": seen["months"]["registry"],
        "children": children,
    }


@blp.route("/dashboard/<area_code>")
class Dashboard(MethodView):
    @blp.response(200, DashboardSchema)
    def get(self, area_code):
        """Figures of one area (province, prefecture, county, township or village) and of the areas below it."""
        principal = authorize(READ)
        try:
            level_of(area_code)
        except ValueError:
            abort(422, message="not an area code", errors={"path": {"area_code": ["6, 9 or 12 digits."]}})
        _check_scope(principal, area_code)
        return figures(area_code)


@blp.route("/areas")
class AreaUpload(MethodView):
    @blp.arguments(AreaUploadSchema)
    @blp.response(200, Schema.from_dict({"upserted": fields.Integer(), "received": fields.Integer()}, name="AreaUploadResult")())
    def put(self, body):
        """Load area names and registered populations (central office)."""
        principal = authorize(WRITE)
        if principal.role != CENTRAL:
            abort(403, message="only the central office maintains area reference data")
        upserted = current_app.extensions["areas"].upsert(body["areas"])
        return {"upserted": upserted, "received": len(body["areas"])}


@blp.route("/areas/<area_code>")
class Area(MethodView):
    @blp.response(200, Schema.from_dict({"code": fields.String(), "name": fields.String(), "level": fields.String(),
                                         "population": fields.Integer(), "children": fields.List(fields.Dict())},
                                        name="AreaWithChildren")())
    def get(self, area_code):
        """An area and the areas directly below it."""
        authorize(READ)
        areas = current_app.extensions["areas"]
        area = areas.get(area_code)
        if area is None:
            abort(404, message=f"no area {area_code}")
        return {"code": area["_id"], "name": area["name"], "level": area["level"],
                "population": areas.population(area_code),
                "children": [{"code": c["_id"], "name": c["name"]} for c in areas.children(area_code)]}
