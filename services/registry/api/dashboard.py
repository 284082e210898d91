"""The central office's figures by area and the area reference data, over HTTP: the
caller's scope is checked here, the figures come from the service (services/registry/
dashboards.py)."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from shared.auth.roles import READ, WRITE, CENTRAL
from shared.auth.web import authorize
from shared.web.schemas import StrictSchema
from services.registry.api.common import refusals, registry
from services.registry.api.schemas import official_area
from services.registry.domain.areas import level_of

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
        return registry().dashboards.figures(area_code)


@blp.route("/areas")
class AreaUpload(MethodView):
    @blp.arguments(AreaUploadSchema)
    @blp.response(200, Schema.from_dict({"upserted": fields.Integer(), "received": fields.Integer()}, name="AreaUploadResult")())
    def put(self, body):
        """Load area names and registered populations (central office)."""
        principal = authorize(WRITE)
        if principal.role != CENTRAL:
            abort(403, message="only the central office maintains area reference data")
        with refusals():
            return registry().dashboards.load_areas(body["areas"])


@blp.route("/areas/<area_code>")
class Area(MethodView):
    @blp.response(200, Schema.from_dict({"code": fields.String(), "name": fields.String(), "level": fields.String(),
                                         "population": fields.Integer(), "children": fields.List(fields.Dict())},
                                        name="AreaWithChildren")())
    def get(self, area_code):
        """An area and the areas directly below it."""
        authorize(READ)
        with refusals():
            return registry().dashboards.area(area_code)
