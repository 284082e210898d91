"""Registry HTTP API: household files, their history, as-of view and program enrolments."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.web.schemas import StrictSchema, page_args, page_result
from services.registry.adapters.persons import DuplicatePerson
from services.registry.api.presenting import present
from services.registry.api.schemas import (AsOfQuerySchema, AsOfSchema, EnrolmentsSchema, HouseholdCreateSchema,
                                           HouseholdPageSchema, HouseholdQuerySchema, HouseholdSchema,
                                           TimelineEntrySchema)

blp = Blueprint("households", __name__, url_prefix="/api/households",
                description="Household files (建档立卡) and their assistance history")


def repo():
    return current_app.extensions["households"]


def shown(household, principal):
    return present(household, principal, current_app.extensions["id_protection"])


@blp.route("")
class Households(MethodView):
    @blp.arguments(HouseholdQuerySchema, location="query")
    @blp.response(200, HouseholdPageSchema)
    def get(self, args):
        """Search household files (only those in the caller's county scope)."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = repo().search(principal.county_filter, args.get("q"), args.get("area"), args.get("status"),
                                     skip, limit)
        return page_result([shown(h, principal) for h in items], total, args)

    @blp.arguments(HouseholdCreateSchema)
    @blp.response(201, HouseholdSchema)
    @blp.alt_response(409, description="a member's ID number already belongs to another household")
    def post(self, fields):
        """Create a household file (status: identified); its events go to the registry and households topics."""
        principal = authorize(WRITE, county=fields["village_code"][:6])
        try:
            return shown(repo().create(fields, principal.username), principal)
        except DuplicatePerson as exc:
            abort(409, message=str(exc), errors={"json": {"members": [str(exc)]}},
                  household_id=exc.household_id)


def household_or_404(household_id: str, action: str = READ):
    principal = authorize(action, county=county_of(household_id))
    household = repo().get(household_id)
    if household is None:
        abort(404, message=f"no household {household_id}")
    return principal, household


@blp.route("/<household_id>")
class Household(MethodView):
    @blp.response(200, HouseholdSchema)
    def get(self, household_id):
        """One household file with its assistance summary and open warnings."""
        principal, household = household_or_404(household_id)
        return shown(household, principal)


@blp.route("/<household_id>/history")
class HouseholdHistory(MethodView):
    @blp.response(200, TimelineEntrySchema(many=True))
    def get(self, household_id):
        """Everything every program (and the registry) did for this household, newest first."""
        household_or_404(household_id)
        return current_app.extensions["history"].timeline(household_id)


@blp.route("/<household_id>/as-of")
class HouseholdAsOf(MethodView):
    @blp.arguments(AsOfQuerySchema, location="query")
    @blp.response(200, AsOfSchema)
    def get(self, args, household_id):
        """The file as it stood at the end of a past date."""
        principal, _ = household_or_404(household_id)
        file = repo().as_of(household_id, args["date"])
        if file is None:
            abort(404, message=f"household {household_id} had no file on {args['date']}")
        return shown(file, principal)


@blp.route("/<household_id>/programs")
class HouseholdPrograms(MethodView):
    @blp.response(200, EnrolmentsSchema)
    def get(self, household_id):
        """Which programs is this household in, with what status and benefits."""
        return _enrolments(household_or_404(household_id)[1])


def _enrolments(household: dict) -> dict:
    summary = household["summary"]
    return {"household_id": household["_id"], "status": household["status"],
            "programs": [{"program": p, **v} for p, v in sorted(summary.get("programs", {}).items())],
            "total_income_fen": summary["total_income_fen"],
            "loans_outstanding_fen": summary.get("loans_outstanding_fen", 0),
            "relocation_stage": summary.get("relocation_stage")}


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
        principal = authorize(READ)
        protection = current_app.extensions["id_protection"]
        household_id = repo().claims.where(protection.hash(body["id_number"]))
        if household_id is None:
            abort(404, message="this person is in no household file")
        authorize(READ, county=county_of(household_id))
        return _enrolments(repo().get(household_id))
