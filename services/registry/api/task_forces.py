"""Task forces (驻村工作队) over HTTP: formed, stationed in poor villages, their members.
Scoped by the county they work in; forming and stationing are the county office's (APPROVE)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import APPROVE, READ
from shared.auth.web import authorize
from services.registry.api.common import refusals
from services.registry.api.village_schemas import (MembersSchema, StationingSchema, TaskForceCreateSchema,
                                                   TaskForceQuerySchema, TaskForceSchema)
from services.registry.api.villages import area_for, villages
from services.registry.domain.areas import prefix_of

blp = Blueprint("task_forces", __name__, url_prefix="/api/task-forces", description="Task forces (驻村工作队)")


def task_force_for(task_force_id: str, action: str = READ):
    """Who acts and the task force (404 for none; 403 for one of another county)."""
    authorize(READ)
    with refusals():
        doc = villages().task_force(task_force_id)
    return authorize(action, county=doc["county_code"]), doc


@blp.route("")
class TaskForces(MethodView):
    @blp.arguments(TaskForceQuerySchema, location="query")
    @blp.response(200, TaskForceSchema(many=True))
    def get(self, args):
        """Task forces in the caller's scope: of an area's counties, or stationed (ever) in a village."""
        principal = authorize(READ)
        area = area_for(principal, args["area"]) if args.get("area") else None
        if args.get("village_code"):
            area_for(principal, args["village_code"])
        return villages().task_forces.list(principal.county_filter, prefix_of(area) if area else "",
                                           args.get("village_code"))

    @blp.arguments(TaskForceCreateSchema)
    @blp.response(201, TaskForceSchema)
    def post(self, body):
        """Form a task force: its sending unit, first secretary (第一书记) and members, for a county."""
        principal = authorize(APPROVE, county=body["county_code"])
        with refusals():
            return villages().form_task_force(body, principal.username)


@blp.route("/<task_force_id>")
class TaskForce(MethodView):
    @blp.response(200, TaskForceSchema)
    def get(self, task_force_id):
        """One task force, with every stationing (from/to)."""
        return task_force_for(task_force_id)[1]


@blp.route("/<task_force_id>/stationings")
class Stationings(MethodView):
    @blp.arguments(StationingSchema)
    @blp.response(200, TaskForceSchema)
    def post(self, body, task_force_id):
        """Station the task force in a poor village of its county, from a day (to a day, or open)."""
        principal, doc = task_force_for(task_force_id, APPROVE)
        stationing = {"village_code": body["village_code"], "from": body["from_"], "to": body.get("to")}
        with refusals():
            return villages().station(doc, stationing, principal.username, body["reason"])


@blp.route("/<task_force_id>/members")
class Members(MethodView):
    @blp.arguments(MembersSchema)
    @blp.response(200, TaskForceSchema)
    def put(self, body, task_force_id):
        """Replace the task force's members (the first secretary stays)."""
        principal, doc = task_force_for(task_force_id, APPROVE)
        with refusals():
            return villages().set_members(doc, body["members"], principal.username, body["reason"])

