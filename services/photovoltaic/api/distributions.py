"""Monthly revenue distributions of stations under /api/distributions."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from shared.programs.refusals import refusals
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import distribution_for, installation_for, photovoltaic

blp = Blueprint("distributions", __name__, url_prefix="/api/distributions",
                description="Revenue distribution of a station's month: dividends by share or public-welfare wages")


@blp.route("")
class Distributions(MethodView):
    @blp.arguments(s.DistributionQuerySchema, location="query")
    @blp.response(200, s.DistributionPageSchema)
    def get(self, args):
        """Distributions in the caller's scope, latest month first (without their histories)."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = photovoltaic().distributions.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.DistributionCreateSchema)
    @blp.response(201, s.DistributionSchema)
    @blp.alt_response(200, schema=s.DistributionSchema,
                      description="this station's month was distributed before: the first run, nothing paid again")
    @blp.alt_response(409, description="no report for the month, no members or posts, wages above the revenue")
    def post(self, fields):
        """Distribute a station's month, once: a repeated run returns the first distribution."""
        station, principal = installation_for(WRITE, fields["installation_id"])
        with refusals():
            distribution, created = photovoltaic().distribute(station, fields, principal.username)
        return distribution, 201 if created else 200


@blp.route("/<distribution_id>")
class Distribution(MethodView):
    @blp.response(200, s.DistributionSchema)
    def get(self, distribution_id):
        """One distribution with every household's payment and its event history."""
        doc, _ = distribution_for(READ, distribution_id)
        return doc
