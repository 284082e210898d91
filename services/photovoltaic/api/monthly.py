"""The monthly report by county under /api/monthly."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ
from shared.auth.web import authorize
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import photovoltaic

blp = Blueprint("monthly", __name__, url_prefix="/api/monthly",
                description="Generation, revenue and income distributed, by month and county")


def figures(principal, args: dict) -> dict:
    return photovoltaic().monthly_figures(principal.county_filter, args.get("start"), args.get("end"),
                                          args.get("county_code"))


@blp.route("")
class Monthly(MethodView):
    @blp.arguments(s.MonthlyQuerySchema, location="query")
    @blp.response(200, s.MonthlySchema)
    def get(self, args):
        """Rows per month and county (the caller's scope); default the last twelve months."""
        return figures(authorize(READ), args)
