"""The monthly report by county under /api/report."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.programs.refused import Refused
from services.tourism.api.common import tourism
from services.tourism.api.schemas.report import ReportQuerySchema, ReportSchema

blp = Blueprint("report", __name__, url_prefix="/api/report",
                description="Bookings and income to households by month and county")


@blp.route("")
class Report(MethodView):
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, ReportSchema)
    def get(self, args):
        """Per month and county: bookings, nights, and income from bookings, wages and dividends
        (a booking counts in its check-in month; cancelled bookings count for nothing)."""
        principal = authorize(READ)
        try:
            return tourism().report(principal.county_filter, args.get("start"), args.get("end"),
                                    args.get("county_code"))
        except Refused as exc:
            abort(422, message=exc.message, errors={"query": exc.errors})
