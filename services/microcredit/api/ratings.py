"""Credit ratings (评级授信) under /api/ratings: recorded before lending."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.web.schemas import page_args, page_result
from shared.programs.refusals import refusals
from services.microcredit.api import schemas as s
from services.microcredit.api.common import microcredit

blp = Blueprint("ratings", __name__, url_prefix="/api/ratings",
                description="Household credit ratings and credit lines (评级授信)")


@blp.route("")
class Ratings(MethodView):
    @blp.arguments(s.RatingQuerySchema, location="query")
    @blp.response(200, s.RatingPageSchema)
    def get(self, args):
        """Ratings in force in the caller's scope, latest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = microcredit().ratings.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.RatingCreateSchema)
    @blp.response(201, s.RatingSchema)
    @blp.alt_response(409, description="household not enrolled")
    @blp.alt_response(422, description="unknown household, or a credit line the grade or the policy does not allow")
    def post(self, fields):
        """Rate a household: its grade and credit line, valid for MICROCREDIT_RATING_VALID_DAYS."""
        principal = authorize(WRITE, county=county_of(fields["household_id"]))
        with refusals():
            return microcredit().rate(fields, principal.username)


@blp.route("/<household_id>")
class Rating(MethodView):
    @blp.response(200, s.RatingSchema)
    def get(self, household_id):
        """The rating in force of one household, with the ones before it."""
        with refusals():
            rating = microcredit().ratings.require(household_id)
        authorize(READ, county=rating["county_code"])
        return rating
