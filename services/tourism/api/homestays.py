"""Homestays and farm-stays under /api/homestays."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.web.schemas import page_args, page_result
from shared.programs.refused import Refused
from shared.programs.refusals import abort_refused
from services.tourism.api.common import found, tourism
from services.tourism.api.schemas.homestays import (HomestayCreateSchema, HomestayEditSchema, HomestayPageSchema,
                                                    HomestayQuerySchema, HomestaySchema, InspectionCreateSchema)

blp = Blueprint("homestays", __name__, url_prefix="/api/homestays",
                description="Homestays and farm-stays run by households (民宿、农家乐)")


def homestay_for(homestay_id: str, action: str):
    homestay = found(tourism().homestays.get(homestay_id), "homestay", homestay_id)
    return homestay, authorize(action, county=homestay["county_code"])


@blp.route("")
class Homestays(MethodView):
    @blp.arguments(HomestayQuerySchema, location="query")
    @blp.response(200, HomestayPageSchema)
    def get(self, args):
        """Homestays in the caller's scope, newest first; search by name, household or head."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = tourism().homestays.list(principal.county_filter, args.get("q"), args.get("kind"),
                                                args.get("county_code"), args.get("household_id"), skip, limit)
        return page_result(items, total, args)

    @blp.arguments(HomestayCreateSchema)
    @blp.response(201, HomestaySchema)
    @blp.alt_response(409, description="household not enrolled")
    @blp.alt_response(422, description="unknown household (not in the registry's files known here), or input the rules refuse")
    def post(self, fields):
        """Register a homestay run by an enrolled household."""
        principal = authorize(WRITE, county=county_of(fields["household_id"]))
        try:
            return tourism().register_homestay(fields, principal.username)
        except Refused as exc:
            abort_refused(exc)


@blp.route("/<homestay_id>")
class Homestay(MethodView):
    @blp.response(200, HomestaySchema)
    def get(self, homestay_id):
        """One homestay, with its inspections and its own event history."""
        return homestay_for(homestay_id, READ)[0]

    @blp.arguments(HomestayEditSchema)
    @blp.response(200, HomestaySchema)
    @blp.alt_response(409, description="changed meanwhile (version)")
    @blp.alt_response(422, description="fewer beds than rooms, or other input the rules refuse")
    def patch(self, fields, homestay_id):
        """Change a homestay's name, kind, rooms or beds."""
        homestay, principal = homestay_for(homestay_id, WRITE)
        try:
            return tourism().edit_homestay(homestay, fields, principal.username)
        except Refused as exc:
            abort_refused(exc)


@blp.route("/<homestay_id>/inspections")
class Inspections(MethodView):
    @blp.arguments(InspectionCreateSchema)
    @blp.response(201, HomestaySchema)
    def post(self, fields, homestay_id):
        """Record a safety inspection (bookings need a passed one within the validity period)."""
        homestay, principal = homestay_for(homestay_id, WRITE)
        try:
            return tourism().inspect_homestay(homestay, fields, principal.username)
        except Refused as exc:
            abort_refused(exc)
