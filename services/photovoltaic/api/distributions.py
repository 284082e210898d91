"""Monthly revenue distributions of stations under /api/distributions."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from shared.programs.refusals import refusals
from services.photovoltaic.api import schemas as s
from services.photovoltaic.usecases import distributions as uc

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
        items, total = current_app.extensions["distributions"].list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.DistributionCreateSchema)
    @blp.response(201, s.DistributionSchema)
    @blp.alt_response(200, schema=s.DistributionSchema,
                      description="this station's month was distributed before: the first run, nothing paid again")
    @blp.alt_response(409, description="no report for the month, no members or posts, wages above the revenue")
    def post(self, fields):
        """Distribute a station's month, once: a repeated run returns the first distribution."""
        with refusals():
            distribution, created = uc.run(fields)
        return distribution, 201 if created else 200


@blp.route("/<distribution_id>")
class Distribution(MethodView):
    @blp.response(200, s.DistributionSchema)
    def get(self, distribution_id):
        """One distribution with every household's payment and its event history."""
        doc = current_app.extensions["distributions"].get(distribution_id)
        if doc is None:
            abort(404, message=f"no distribution {distribution_id}")
        authorize(READ, county=doc["county_code"])
        return doc
