"""Resettlement sites under /api/sites."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.programs.refusals import refusals
from shared.web.schemas import page_args, page_result
from services.relocation.api import schemas as s
from services.relocation.api.common import relocation

blp = Blueprint("sites", __name__, url_prefix="/api/sites",
                description="Resettlement sites (安置点), centralized or dispersed, with their capacity")


@blp.route("")
class Sites(MethodView):
    @blp.arguments(s.SiteQuerySchema, location="query")
    @blp.response(200, s.SitePageSchema)
    def get(self, args):
        """Sites in the caller's scope, newest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = relocation().sites.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.SiteCreateSchema)
    @blp.response(201, s.SiteSchema)
    def post(self, fields):
        """Register a site: the village where it is, and its capacity in households and m²."""
        principal = authorize(WRITE, county=fields["village_code"][:6])
        with refusals():
            return relocation().create_site(fields, principal.username)


@blp.route("/<site_id>")
class Site(MethodView):
    @blp.response(200, s.SiteSchema)
    def get(self, site_id):
        """One site with its occupancy."""
        with refusals():
            site = relocation().sites.require(site_id)
        authorize(READ, county=site["county_code"])
        return site
