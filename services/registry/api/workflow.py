"""Change requests, the exit / return workflow, warnings and the audit log."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError

from shared.auth.roles import APPROVE, READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of

from services.registry.api.common import household_for, refusals, registry, shown
from services.registry.api.schemas import (PAYLOAD_SCHEMAS, ChangeRequestCreateSchema, ChangeRequestQuerySchema,
                                           ChangeRequestSchema, DecisionSchema, ExitAssessmentSchema, ExitStepSchema,
                                           HouseholdSchema, TimelineEntrySchema)
from services.registry.domain.exit_rules import PROPOSING_STEPS

blp = Blueprint("workflow", __name__, url_prefix="/api",
                description="Change requests, exit and return to poverty, warnings, audit log")


@blp.route("/households/<household_id>/change-requests")
class HouseholdChangeRequests(MethodView):
    @blp.arguments(ChangeRequestCreateSchema)
    @blp.response(201, ChangeRequestSchema)
    def post(self, body, household_id):
        """Propose a change to a household file (village cadre or county operator)."""
        principal, household = household_for(household_id, WRITE)
        try:
            payload = PAYLOAD_SCHEMAS[body["kind"]]().load(body["payload"])
        except ValidationError as exc:
            abort(422, message="invalid change request", errors={"json": {"payload": exc.messages}})
        if body["kind"] == "transfer_member":
            authorize(WRITE, county=county_of(payload["to_household_id"]))
        if body["kind"] == "move_area":
            authorize(WRITE, county=payload["village_code"][:6])
        with refusals():
            return registry().propose_change(household, body["kind"], payload, body["reason"], principal.username)


@blp.route("/change-requests")
class ChangeRequestList(MethodView):
    @blp.arguments(ChangeRequestQuerySchema, location="query")
    @blp.response(200, ChangeRequestSchema(many=True))
    def get(self, args):
        """Change requests in the caller's scope, newest first."""
        principal = authorize(READ)
        return registry().list_change_requests(principal.county_filter, args.get("status"), args.get("household_id"))


@blp.route("/change-requests/<request_id>/decision")
class ChangeRequestDecision(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(200, ChangeRequestSchema)
    def post(self, body, request_id):
        """Approve (and apply) or reject a proposed change (county operator)."""
        with refusals():
            request = registry().change_request(request_id)
        principal = authorize(APPROVE, county=request["county_code"])
        with refusals():
            return registry().decide(request, body["decision"], body["note"], principal.username, principal.is_central)


@blp.route("/households/<household_id>/exit-assessment")
class ExitAssessment(MethodView):
    @blp.response(200, ExitAssessmentSchema)
    def get(self, household_id):
        """Does the household meet the exit criteria this year (income above the line, 两不愁三保障)?"""
        household = household_for(household_id)[1]
        return {**registry().exit_assessment(household),
                "objections": current_app.extensions["public_notices"].objections.of(household_id)}


@blp.route("/households/<household_id>/exit-steps")
class ExitSteps(MethodView):
    @blp.arguments(ExitStepSchema)
    @blp.response(200, HouseholdSchema)
    def post(self, body, household_id):
        """Take one step: propose_exit → township_check → county_approve → (public notice) →
        finish_notice; object / reject_exit send it back; return_to_poverty after exit."""
        step = body["step"]
        principal, household = household_for(household_id, WRITE if step in PROPOSING_STEPS else APPROVE)
        with refusals():
            changed = registry().exit_step(household, step, body["reason"], principal.username, principal.is_central,
                                           body["on"])
        return shown(changed, principal)


@blp.route("/warnings")
class Warnings(MethodView):
    @blp.response(200, HouseholdSchema(many=True))
    def get(self):
        """Households with an open return-to-poverty warning (防返贫监测), in the caller's scope."""
        principal = authorize(READ)
        items = registry().warnings(principal.county_filter)
        return [shown(h, principal) for h in items]


@blp.route("/audit")
class Audit(MethodView):
    @blp.response(200, TimelineEntrySchema(many=True))
    def get(self):
        """Who changed which file, when and why (newest first, at most 1,000)."""
        principal = authorize(READ)
        return registry().audit(principal.county)
