"""Change requests, the exit / return workflow, warnings and the audit log."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError

from shared.auth.roles import APPROVE, READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of

from services.registry.adapters.persons import DuplicatePerson
from services.registry.api.households import household_or_404, repo, shown
from services.registry.api.schemas import (PAYLOAD_SCHEMAS, ChangeRequestCreateSchema, ChangeRequestQuerySchema,
                                           ChangeRequestSchema, DecisionSchema, ExitAssessmentSchema, ExitStepSchema,
                                           HouseholdSchema, TimelineEntrySchema)
from services.registry.domain import change_requests as cr
from services.registry.domain.exit_rules import (PROPOSING_STEPS, TRANSITIONS, StepRefused, exit_problems, parse_lines,
                                                 poverty_line_fen, today_utc)
from shared.household_ids import new_household_id
from shared.store import WriteConflict

blp = Blueprint("workflow", __name__, url_prefix="/api",
                description="Change requests, exit and return to poverty, warnings, audit log")


def requests_store():
    return current_app.extensions["change_requests"]


def settings():
    return current_app.extensions["settings"]


@blp.route("/households/<household_id>/change-requests")
class HouseholdChangeRequests(MethodView):
    @blp.arguments(ChangeRequestCreateSchema)
    @blp.response(201, ChangeRequestSchema)
    def post(self, body, household_id):
        """Propose a change to a household file (village cadre or county operator)."""
        principal, household = household_or_404(household_id, WRITE)
        try:
            payload = PAYLOAD_SCHEMAS[body["kind"]]().load(body["payload"])
        except ValidationError as exc:
            abort(422, message="invalid change request", errors={"json": {"payload": exc.messages}})
        if body["kind"] == "transfer_member":
            authorize(WRITE, county=county_of(payload["to_household_id"]))
            if repo().get(payload["to_household_id"]) is None:
                abort(422, errors={"json": {"payload": {"to_household_id": ["No such household."]}}},
                      message="invalid change request")
        if body["kind"] == "split":
            payload["new_household_id"] = new_household_id(household["county_code"])
        if body["kind"] == "add_member" and payload["member"].get("id_number"):
            # Protected now: the clear number is never stored, not even in the request.
            member = dict(payload["member"])
            member.update(current_app.extensions["id_protection"].protect(member.pop("id_number")))
            payload["member"] = member
        if body["kind"] == "move_area":
            authorize(WRITE, county=payload["village_code"][:6])
        full = repo().households.find_one({"_id": household_id})
        try:  # refuse now what could never be applied
            cr.apply(full, body["kind"], _dry_run_payload(body["kind"], payload))
            if body["kind"] == "split":
                cr.split_household(full, payload["member_ids"], payload["new_head_member_id"])
        except cr.ChangeRefused as exc:
            abort(422, message=str(exc), errors={"json": {"payload": [str(exc)]}})
        return requests_store().propose(household, body["kind"], _storable(payload), body["reason"],
                                        principal.username)


def _dry_run_payload(kind: str, payload: dict) -> dict:
    if kind == "add_member":
        return {"member": {**payload["member"], "member_id": "M000000000000"}}
    return payload


def _storable(payload: dict) -> dict:
    """Plain JSON for the store."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in payload.items()}


@blp.route("/change-requests")
class ChangeRequestList(MethodView):
    @blp.arguments(ChangeRequestQuerySchema, location="query")
    @blp.response(200, ChangeRequestSchema(many=True))
    def get(self, args):
        """Change requests in the caller's scope, newest first."""
        principal = authorize(READ)
        return requests_store().list(principal.county_filter, args.get("status"), args.get("household_id"))


@blp.route("/change-requests/<request_id>/decision")
class ChangeRequestDecision(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(200, ChangeRequestSchema)
    def post(self, body, request_id):
        """Approve (and apply) or reject a proposed change (county operator)."""
        request = requests_store().get(request_id)
        if request is None:
            abort(404, message=f"no change request {request_id}")
        principal = authorize(APPROVE, county=request["county_code"])
        if request["status"] != "proposed":
            abort(409, message=f"the change request is already {request['status']}")
        if body["decision"] == "reject":
            return requests_store().record_decision(request, "reject", body["note"], principal.username)
        try:
            touched = repo().apply_change(request, principal.username)
        except (cr.ChangeRefused, WriteConflict) as exc:
            abort(409, message=str(exc))
        except DuplicatePerson as exc:
            abort(409, message=str(exc), household_id=exc.household_id)
        requests_store().record_decision(request, "approve", body["note"], principal.username)
        requests_store().mark_applied(request_id, touched)
        return requests_store().get(request_id)


def _assessment(household: dict) -> dict:
    year = today_utc().year
    lines = parse_lines(settings().poverty_lines) or None
    problems = exit_problems(household["income_per_capita_fen"], household.get("guarantees") or {}, year, lines)
    return {"household_id": household["_id"], "year": year, "poverty_line_fen": poverty_line_fen(year, lines),
            "income_per_capita_fen": household["income_per_capita_fen"], "guarantees": household.get("guarantees"),
            "eligible": not problems, "problems": problems, "status": household["status"],
            "possible_steps": list(TRANSITIONS.get(household["status"], {}))}


@blp.route("/households/<household_id>/exit-assessment")
class ExitAssessment(MethodView):
    @blp.response(200, ExitAssessmentSchema)
    def get(self, household_id):
        """Does the household meet the exit criteria this year (income above the line, 两不愁三保障)?"""
        return _assessment(household_or_404(household_id)[1])


@blp.route("/households/<household_id>/exit-steps")
class ExitSteps(MethodView):
    @blp.arguments(ExitStepSchema)
    @blp.response(200, HouseholdSchema)
    def post(self, body, household_id):
        """Take one step: propose_exit → township_check → county_approve → (public notice) →
        finish_notice; object / reject_exit send it back; return_to_poverty after exit."""
        step = body["step"]
        principal, household = household_or_404(household_id, WRITE if step in PROPOSING_STEPS else APPROVE)
        if step == "propose_exit":
            assessment = _assessment(household)
            if not assessment["eligible"]:
                abort(422, message="the household does not meet the exit criteria",
                      errors={"json": {"step": assessment["problems"]}})
        if step in ("object", "reject_exit", "return_to_poverty") and not body["reason"]:
            abort(422, message="a reason is required", errors={"json": {"reason": ["A reason is required for this step."]}})
        try:
            changed = repo().step(household_id, step, principal.username, body["reason"], today_utc(),
                                  settings().exit_notice_days)
        except StepRefused as exc:
            abort(409, message=str(exc))
        except WriteConflict as exc:
            abort(409, message=str(exc))
        return shown(changed, principal)


@blp.route("/warnings")
class Warnings(MethodView):
    @blp.response(200, HouseholdSchema(many=True))
    def get(self):
        """Households with an open return-to-poverty warning (防返贫监测), in the caller's scope."""
        principal = authorize(READ)
        items = repo().with_open_warnings(principal.county_filter)
        return [shown(h, principal) for h in items]


@blp.route("/audit")
class Audit(MethodView):
    @blp.response(200, TimelineEntrySchema(many=True))
    def get(self):
        """Who changed which file, when and why (newest first, at most 1,000)."""
        principal = authorize(READ)
        return current_app.extensions["history"].audit(principal.county, None, 1000)
