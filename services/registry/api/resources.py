"""Registry HTTP API: household files and their history under /api/households."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from services.registry.api.schemas import (HouseholdCreateSchema, HouseholdPageSchema, HouseholdQuerySchema,
                                           HouseholdSchema, TimelineEntrySchema)
from services.registry.domain.households import county_of

blp = Blueprint("households", __name__, url_prefix="/api/households",
                description="Household files (建档立卡) and their assistance history")


def repo():
    return current_app.extensions["households"]


@blp.route("")
class Households(MethodView):
    @blp.arguments(HouseholdQuerySchema, location="query")
    @blp.response(200, HouseholdPageSchema)
    def get(self, args):
        """Search household files (only those in the caller's county scope)."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = repo().search(principal.county_filter, args.get("q"), args.get("county"), skip, limit)
        return page_result(items, total, args)

    @blp.arguments(HouseholdCreateSchema)
    @blp.response(201, HouseholdSchema)
    @blp.alt_response(401, description="not logged in")
    @blp.alt_response(403, description="role not allowed here")
    def post(self, fields):
        """Create a household file; its snapshot goes out on the households topic."""
        principal = authorize(WRITE, county=fields["county_code"])
        return repo().create(fields, principal.username)


def _household_or_404(household_id: str):
    principal = authorize(READ, county=county_of(household_id))
    household = repo().get(household_id)
    if household is None:
        abort(404, message=f"no household {household_id}")
    return principal, household


@blp.route("/<household_id>")
class Household(MethodView):
    @blp.response(200, HouseholdSchema)
    def get(self, household_id):
        """One household file with its assistance summary."""
        return _household_or_404(household_id)[1]


@blp.route("/<household_id>/history")
class HouseholdHistory(MethodView):
    @blp.response(200, TimelineEntrySchema(many=True))
    def get(self, household_id):
        """Everything every program did for this household, newest first."""
        _household_or_404(household_id)
        return repo().timeline(household_id)
