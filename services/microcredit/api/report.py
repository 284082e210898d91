"""The monthly report by county under /api/report."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ
from shared.auth.web import authorize
from services.microcredit.api.schemas import ReportQuerySchema, ReportSchema
from services.microcredit.api.common import microcredit

blp = Blueprint("report", __name__, url_prefix="/api/report",
                description="Loans outstanding, repayment rate and overdue rate by county and month")


@blp.route("")
class Report(MethodView):
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, ReportSchema)
    def get(self, args):
        """Per month and county: loans disbursed, money lent and repaid, principal outstanding
        and overdue at the month's end, repayment and overdue rates (per cent)."""
        principal = authorize(READ)
        return microcredit().report(principal.county_filter, args.get("start"), args.get("end"),
                                    args.get("county_code"))
