"""The enrolment API every program service serves under /api/enrolments, and its view of
household files under /api/households (from the local read model)."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.events.types.common import HouseholdId
from shared.household_ids import county_of
from shared.programs.enrolments import EnrolmentRefused
from shared.programs.households import unknown_household
from shared.programs.refusals import abort_refused
from shared.web.schemas import PageQuerySchema, StrictSchema, page_args, page_result, page_schema


class EnrolSchema(StrictSchema):
    household_id = HouseholdId()
    enrolled_on = fields.Date(load_default=date.today)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class EndSchema(StrictSchema):
    ended_on = fields.Date(load_default=date.today)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class EnrolmentSchema(Schema):
    household_id = fields.String(attribute="_id")
    head_name = fields.String()
    village = fields.String()
    county_code = fields.String()
    status = fields.String()
    enrolment_id = fields.String()
    enrolled_on = fields.String()
    ended_on = fields.String()
    end_reason = fields.String()
    note = fields.String()
    periods = fields.List(fields.Dict())
    updated_at = fields.String()
    updated_by = fields.String()


class EnrolmentQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(("enrolled", "exited")))


class HouseholdViewSchema(Schema):
    household_id = fields.String(attribute="_id")
    head_name = fields.String()
    status = fields.String()
    county_code = fields.String()
    village_code = fields.String()
    township = fields.String()
    village = fields.String()
    members = fields.Integer()
    version = fields.Integer()


def enrolment_blueprint(program: str) -> Blueprint:
    blp = Blueprint("enrolments", __name__, url_prefix="/api",
                    description=f"Enrolment of households in {program}, and the household files known here")

    def ext(name):
        return current_app.extensions[name]

    @blp.route("/enrolments")
    class EnrolmentList(MethodView):
        @blp.arguments(EnrolmentQuerySchema, location="query")
        @blp.response(200, page_schema(EnrolmentSchema, "EnrolmentPage"))
        def get(self, args):
            """Enrolments in the caller's scope, most recently changed first."""
            principal = authorize(READ)
            skip, limit, _ = page_args(args)
            items, total = ext("enrolments").list(principal.county_filter, args.get("status"), skip, limit)
            return page_result(items, total, args)

        @blp.arguments(EnrolSchema)
        @blp.response(201, EnrolmentSchema)
        @blp.alt_response(422, description="unknown household (not in the registry's files known here)")
        @blp.alt_response(409, description="removed household, or already enrolled")
        def post(self, body):
            """Enrol a household known from the registry's files."""
            principal = authorize(WRITE, county=county_of(body["household_id"]))
            household = ext("household_view").get(body["household_id"])
            if household is None:
                abort_refused(unknown_household(body["household_id"]))
            try:
                return ext("enrolments").enrol(household, body["household_id"], body["enrolled_on"], body["note"],
                                               principal.username)
            except EnrolmentRefused as exc:
                abort(409, message=str(exc), errors={"json": {"household_id": [str(exc)]}})

    @blp.route("/enrolments/<household_id>")
    class Enrolment(MethodView):
        @blp.response(200, EnrolmentSchema)
        def get(self, household_id):
            """One household's enrolment, with every period."""
            authorize(READ, county=county_of(household_id))
            doc = ext("enrolments").get(household_id)
            if doc is None:
                abort(404, message=f"household {household_id} was never enrolled")
            return doc

    @blp.route("/enrolments/<household_id>/end")
    class EnrolmentEnd(MethodView):
        @blp.arguments(EndSchema)
        @blp.response(200, EnrolmentSchema)
        def post(self, body, household_id):
            """End the enrolment, with a reason (a risk signal for an exited household)."""
            principal = authorize(WRITE, county=county_of(household_id))
            try:
                return ext("enrolments").end(household_id, body["ended_on"], body["reason"], principal.username)
            except EnrolmentRefused as exc:
                abort(409, message=str(exc))

    @blp.route("/households/<household_id>")
    class KnownHousehold(MethodView):
        @blp.response(200, HouseholdViewSchema)
        def get(self, household_id):
            """A household file as this program knows it (from the registry's households topic)."""
            authorize(READ, county=county_of(household_id))
            doc = ext("household_view").get(household_id)
            if doc is None:
                abort(404, message=f"unknown household {household_id}")
            return doc

    return blp
