"""Monthly generation reports under /api/reports."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from shared.programs.refusals import refusals
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import installation_for, photovoltaic, report_for

blp = Blueprint("reports", __name__, url_prefix="/api/reports",
                description="Monthly generation reports (发电量月报), by an operator or the power company")


@blp.route("")
class Reports(MethodView):
    @blp.arguments(s.ReportQuerySchema, location="query")
    @blp.response(200, s.ReportPageSchema)
    def get(self, args):
        """Reports in the caller's scope, latest month first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = photovoltaic().reports.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.ReportCreateSchema)
    @blp.response(201, s.ReportSchema)
    @blp.alt_response(409, description="the month is already reported")
    def post(self, fields):
        """Report a month's generation; a rooftop system's revenue is its owner's income."""
        installation, principal = installation_for(WRITE, fields["installation_id"])
        with refusals():
            return photovoltaic().record(installation, fields, principal.username)


@blp.route("/<report_id>")
class Report(MethodView):
    @blp.response(200, s.ReportSchema)
    def get(self, report_id):
        """One report with its event history."""
        report, _ = report_for(READ, report_id)
        return report

    @blp.arguments(s.ReportCorrectSchema)
    @blp.response(200, s.ReportSchema)
    @blp.alt_response(409, description="the month was already distributed")
    def patch(self, fields, report_id):
        """Correct a report (not once its month was distributed)."""
        report, principal = report_for(WRITE, report_id)
        with refusals():
            return photovoltaic().correct(report, fields, principal.username)
