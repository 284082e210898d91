"""The monthly report by county under /api/monthly."""
from datetime import date

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ
from shared.auth.web import authorize
from services.photovoltaic.api import schemas as s
from services.photovoltaic.domain.monthly import by_month, grand_total
from services.photovoltaic.domain.months import months_between, period

blp = Blueprint("monthly", __name__, url_prefix="/api/monthly",
                description="Generation, revenue and income distributed, by month and county")


def figures(principal, args: dict) -> dict:
    start, end = period(args.get("start"), args.get("end"), date.today())
    rows = current_app.extensions["monthly"].rows(principal.county_filter, start, end, args.get("county_code"))
    return {"start": start, "end": end, "rows": rows, "months": by_month(rows, months_between(start, end)),
            "total": grand_total(rows)}


@blp.route("")
class Monthly(MethodView):
    @blp.arguments(s.MonthlyQuerySchema, location="query")
    @blp.response(200, s.MonthlySchema)
    def get(self, args):
        """Rows per month and county (the caller's scope); default the last twelve months."""
        return figures(authorize(READ), args)
