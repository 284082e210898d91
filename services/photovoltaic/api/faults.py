"""Faults and restorations under /api/faults."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from shared.programs.refusals import refusals
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import fault_for, installation_for, photovoltaic

blp = Blueprint("faults", __name__, url_prefix="/api/faults",
                description="Faults (停运) and restorations; a long outage is a risk signal for the households")


@blp.route("")
class Faults(MethodView):
    @blp.arguments(s.FaultQuerySchema, location="query")
    @blp.response(200, s.FaultPageSchema)
    def get(self, args):
        """Faults in the caller's scope, latest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = photovoltaic().faults.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.FaultCreateSchema)
    @blp.response(201, s.FaultSchema)
    @blp.alt_response(409, description="the installation is already down")
    def post(self, fields):
        """Report that an installation is down since a day."""
        installation, principal = installation_for(WRITE, fields["installation_id"])
        with refusals():
            return photovoltaic().report_fault(installation, fields, principal.username)


@blp.route("/<fault_id>")
class Fault(MethodView):
    @blp.response(200, s.FaultSchema)
    def get(self, fault_id):
        """One fault with its event history."""
        fault, _ = fault_for(READ, fault_id)
        return fault


@blp.route("/<fault_id>/restore")
class Restore(MethodView):
    @blp.arguments(s.RestoreSchema)
    @blp.response(200, s.FaultSchema)
    @blp.alt_response(409, description="already restored")
    def post(self, body, fault_id):
        """Record the restoration; an outage of PV_DOWN_DAYS or more raises the risk signal
        for the households if the daily check has not already."""
        fault, principal = fault_for(WRITE, fault_id)
        with refusals():
            return photovoltaic().restore(fault, body["restored_on"], principal.username)
