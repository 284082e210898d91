"""The relocation report under /api/report."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ
from shared.auth.web import authorize
from services.relocation.api import schemas as s
from services.relocation.api.common import relocation

blp = Blueprint("report", __name__, url_prefix="/api/report",
                description="Households and people relocated by site and month, occupancy, employment rate")


@blp.route("")
class Report(MethodView):
    @blp.arguments(s.ReportQuerySchema, location="query")
    @blp.response(200, s.ReportSchema)
    def get(self, args):
        """The report in the caller's scope; default the last twelve months."""
        return relocation().report(authorize(READ).county_filter, args)
