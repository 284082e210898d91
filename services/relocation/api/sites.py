"""Resettlement sites under /api/sites."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from services.relocation.api import schemas as s
from shared.programs.refusals import refusals
from services.relocation.usecases import sites as uc

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
        items, total = current_app.extensions["sites"].list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.SiteCreateSchema)
    @blp.response(201, s.SiteSchema)
    def post(self, fields):
        """Register a site: the village where it is, and its capacity in households and m²."""
        with refusals():
            return uc.create(fields)


@blp.route("/<site_id>")
class Site(MethodView):
    @blp.response(200, s.SiteSchema)
    def get(self, site_id):
        """One site with its occupancy."""
        with refusals():
            site = current_app.extensions["sites"].require(site_id)
        authorize(READ, county=site["county_code"])
        return site
