"""Poor villages (贫困村) and the coverage figures by area, over HTTP. Scoped like the
household files: a county operator in their county, the central office everywhere, the
auditor reads only, a village cadre reads the villages of their county. Designating a village
and changing its status are the county office's decisions (APPROVE)."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import APPROVE, READ
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from services.registry.api.common import refusals, registry
from services.registry.api.dashboard import sees_area
from services.registry.api.village_schemas import (CollectiveIncomeSchema, CoverageQuerySchema, CoverageSchema,
                                                   VillageCreateSchema, VillageFileSchema, VillagePageSchema,
                                                   VillageQuerySchema, VillageSchema, VillageStatusSchema)
from services.registry.dashboards import Dashboards
from services.registry.domain.areas import prefix_of

blp = Blueprint("villages", __name__, url_prefix="/api", description="Poor villages (贫困村) and coverage by area")


def villages():
    return registry().villages


def village_for(village_code: str, action: str = READ):
    """Who acts and the village's file: the county is in the code, so 403 comes before 404."""
    if not (village_code.isdigit() and len(village_code) == 12):
        abort(404, message=f"no poor village file for {village_code}")
    principal = authorize(action, county=village_code[:6])
    with refusals():
        return principal, villages().village(village_code)


def area_for(principal, area: str | None) -> str:
    """The area asked for (the person's own county, province or the country when none), 403
    outside the person's scope."""
    area = area or Dashboards.default_area(principal)
    if not sees_area(principal, area):
        abort(403, message="your role sees only its own county")
    return area


def village_file(doc: dict, principal) -> dict:
    households = villages().households_of(doc["_id"], principal.county_filter)
    return {**doc, "households": households["by_status"], "households_total": households["total"],
            "task_forces": [tf["_id"] for tf in villages().stationed_in(doc["_id"])]}


@blp.route("/villages")
class Villages(MethodView):
    @blp.arguments(VillageQuerySchema, location="query")
    @blp.response(200, VillagePageSchema)
    def get(self, args):
        """The poor villages of an area (in the caller's scope), in code order."""
        principal = authorize(READ)
        area = area_for(principal, args.get("area")) if args.get("area") else None
        skip, limit, _ = page_args(args)
        statuses = [args["status"]] if args.get("status") else None
        items, total = villages().files.list(principal.county_filter, prefix_of(area) if area else "", statuses,
                                             skip, limit)
        return page_result(items, total, args)

    @blp.arguments(VillageCreateSchema)
    @blp.response(201, VillageSchema)
    @blp.alt_response(409, description="the village is filed already")
    def post(self, body):
        """File a designated poor village (status identified); its code must be an official village."""
        principal = authorize(APPROVE, county=body["village_code"][:6])
        with refusals():
            return villages().designate(body["village_code"], body["designation"], principal.username, body["reason"])


@blp.route("/villages/<village_code>")
class Village(MethodView):
    @blp.response(200, VillageFileSchema)
    def get(self, village_code):
        """A poor village's file, with its households by status and the task forces stationed now."""
        principal, doc = village_for(village_code)
        return village_file(doc, principal)


@blp.route("/villages/<village_code>/status")
class VillageStatus(MethodView):
    @blp.arguments(VillageStatusSchema)
    @blp.response(200, VillageSchema)
    def post(self, body, village_code):
        """Change the village's status: identified → assisted → exit_proposed → exited (or back to assisted)."""
        principal, doc = village_for(village_code, APPROVE)
        with refusals():
            return villages().change_status(doc, body["status"], principal.username, body["reason"])


@blp.route("/villages/<village_code>/collective-income")
class VillageIncome(MethodView):
    @blp.arguments(CollectiveIncomeSchema)
    @blp.response(200, VillageSchema)
    def post(self, body, village_code):
        """Record the village collective's income of a year (fen)."""
        principal, doc = village_for(village_code, APPROVE)
        with refusals():
            return villages().record_income(doc, body["year"], body["income_fen"], principal.username, body["reason"])


@blp.route("/coverage")
class Coverage(MethodView):
    @blp.arguments(CoverageQuerySchema, location="query")
    @blp.response(200, CoverageSchema)
    def get(self, args):
        """Poor villages with a task force stationed today and poor households with an assigned
        cadre, in an area — with the gaps listed."""
        principal = authorize(READ)
        area = area_for(principal, args.get("area"))
        figures = villages().coverage(area, principal.county_filter)
        return {**figures, "name": registry().dashboards.names([area]).get(area, area)}
