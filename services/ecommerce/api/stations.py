"""E-commerce HTTP API: rural e-commerce service stations under /api/stations."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.store import WriteConflict
from shared.web.schemas import page_args, page_result
from services.ecommerce.api.station_schemas import (StationCreateSchema, StationPageSchema, StationQuerySchema,
                                                    StationSchema, StationUpdateSchema)

blp = Blueprint("stations", __name__, url_prefix="/api/stations",
                description="Rural e-commerce service stations by village (农村电商服务站)")


def repo():
    return current_app.extensions["stations"]


def one_station(station_id: str, action: str = READ) -> tuple[dict, object]:
    station = repo().get(station_id)
    if station is None:
        abort(404, message=f"no station {station_id}")
    return station, authorize(action, county=station["county_code"])


def update_station(station: dict, fields: dict, username: str) -> dict:
    if fields.get("village_code"):
        authorize(WRITE, county=fields["village_code"][:6])  # moving it: the new county too
    try:
        return repo().update(station["_id"], fields, username, fields.get("version"))
    except WriteConflict as exc:
        abort(409, message=str(exc))


@blp.route("")
class Stations(MethodView):
    @blp.arguments(StationQuerySchema, location="query")
    @blp.response(200, StationPageSchema)
    def get(self, args):
        """Stations in the caller's county scope, by village."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = repo().list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(StationCreateSchema)
    @blp.response(201, StationSchema)
    def post(self, fields):
        """Record a service station of a village."""
        principal = authorize(WRITE, county=fields["village_code"][:6])
        return repo().open(fields, principal.username)


@blp.route("/<station_id>")
class Station(MethodView):
    @blp.response(200, StationSchema)
    @blp.alt_response(404, description="no such station")
    def get(self, station_id):
        """One station with its history."""
        return one_station(station_id)[0]

    @blp.arguments(StationUpdateSchema)
    @blp.response(200, StationSchema)
    @blp.alt_response(404, description="no such station")
    @blp.alt_response(409, description="changed since the version read")
    def patch(self, fields, station_id):
        """Change a station's details, or close it (status closed)."""
        station, principal = one_station(station_id, WRITE)
        return update_station(station, fields, principal.username)
