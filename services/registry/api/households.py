"""Registry HTTP API: household files, their history, as-of view and program enrolments."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.web.schemas import StrictSchema, page_args, page_result
from services.registry.api.common import household_for, refusals, registry, shown
from services.registry.api.schemas import (AsOfQuerySchema, AsOfSchema, EnrolmentsSchema, HouseholdCreateSchema,
                                           HouseholdPageSchema, HouseholdQuerySchema, HouseholdSchema,
                                           TimelineEntrySchema)

blp = Blueprint("households", __name__, url_prefix="/api/households",
                description="Household files (建档立卡) and their assistance history")


@blp.route("")
class Households(MethodView):
    @blp.arguments(HouseholdQuerySchema, location="query")
    @blp.response(200, HouseholdPageSchema)
    def get(self, args):
        """Search household files (only those in the caller's county scope)."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = registry().search(principal.county_filter, args.get("q"), args.get("area"),
                                         args.get("status"), skip, limit)
        return page_result([shown(h, principal) for h in items], total, args)

    @blp.arguments(HouseholdCreateSchema)
    @blp.response(201, HouseholdSchema)
    @blp.alt_response(409, description="a member's ID number already belongs to another household")
    def post(self, fields):
        """Create a household file (status: identified); its events go to the registry and households topics."""
        principal = authorize(WRITE, county=fields["village_code"][:6])
        with refusals():
            return shown(registry().create_household(fields, principal.username), principal)


@blp.route("/<household_id>")
class Household(MethodView):
    @blp.response(200, HouseholdSchema)
    def get(self, household_id):
        """One household file with its assistance summary and open warnings."""
        principal, household = household_for(household_id)
        return shown(household, principal)


@blp.route("/<household_id>/history")
class HouseholdHistory(MethodView):
    @blp.response(200, TimelineEntrySchema(many=True))
    def get(self, household_id):
        """Everything every program (and the registry) did for this household, newest first."""
        household_for(household_id)
        return registry().timeline(household_id)


@blp.route("/<household_id>/as-of")
class HouseholdAsOf(MethodView):
    @blp.arguments(AsOfQuerySchema, location="query")
    @blp.response(200, AsOfSchema)
    def get(self, args, household_id):
        """The file as it stood at the end of a past date."""
        principal, _ = household_for(household_id)
        with refusals():
            return shown(registry().as_of(household_id, args["date"]), principal)


@blp.route("/<household_id>/programs")
class HouseholdPrograms(MethodView):
    @blp.response(200, EnrolmentsSchema)
    def get(self, household_id):
        """Which programs is this household in, with what status and benefits."""
        return registry().enrolments(household_for(household_id)[1])


beneficiaries = Blueprint("beneficiaries", __name__, url_prefix="/api/beneficiaries",
                          description="In the spirit of the DCI Integrated Beneficiary Registry")


class BeneficiarySearchSchema(StrictSchema):
    id_number = fields.String(required=True, validate=validate.Length(min=18, max=18))


@beneficiaries.route("/search")
class BeneficiarySearch(MethodView):
    read_only = True  # a POST only so the ID number stays out of URLs and logs

    @beneficiaries.arguments(BeneficiarySearchSchema)
    @beneficiaries.response(200, EnrolmentsSchema)
    def post(self, body):
        """Which programs is this person's household in (POST: an ID number never goes in a URL or a log)."""
        authorize(READ)
        with refusals():
            household_id = registry().household_of_person(body["id_number"])
        authorize(READ, county=county_of(household_id))
        return registry().enrolments(registry().households.get(household_id))
