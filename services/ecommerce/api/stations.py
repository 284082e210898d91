"""E-commerce HTTP API: rural e-commerce service stations under /api/stations."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from services.ecommerce.api.common import authorize_village, ecommerce, refusals, station_for
from services.ecommerce.api.station_schemas import (StationCreateSchema, StationPageSchema, StationQuerySchema,
                                                    StationSchema, StationUpdateSchema)

blp = Blueprint("stations", __name__, url_prefix="/api/stations",
                description="Rural e-commerce service stations by village (农村电商服务站)")


@blp.route("")
class Stations(MethodView):
    @blp.arguments(StationQuerySchema, location="query")
    @blp.response(200, StationPageSchema)
    def get(self, args):
        """Stations in the caller's county scope, by village."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = ecommerce().stations.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(StationCreateSchema)
    @blp.response(201, StationSchema)
    def post(self, fields):
        """Record a service station of a village."""
        principal = authorize(WRITE, county=fields["village_code"][:6])
        with refusals():
            return ecommerce().open_station(fields, principal.username)


@blp.route("/<station_id>")
class Station(MethodView):
    @blp.response(200, StationSchema)
    @blp.alt_response(404, description="no such station")
    def get(self, station_id):
        """One station with its history."""
        return station_for(READ, station_id)[0]

    @blp.arguments(StationUpdateSchema)
    @blp.response(200, StationSchema)
    @blp.alt_response(404, description="no such station")
    @blp.alt_response(409, description="changed since the version read")
    def patch(self, fields, station_id):
        """Change a station's details, or close it (status closed)."""
        station, principal = station_for(WRITE, station_id)
        authorize_village(fields)
        with refusals():
            return ecommerce().update_station(station, fields, principal.username)
