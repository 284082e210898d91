"""E-commerce HTTP API: sales under /api/sales."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from services.ecommerce.api.schemas import SaleCreateSchema, SalePageSchema, SaleQuerySchema, SaleSchema
from shared.household_ids import county_of

blp = Blueprint("sales", __name__, url_prefix="/api/sales", description="Sales of farm products (电商销售)")


def repo():
    return current_app.extensions["sales"]


def sale_problem(household_id: str) -> str | None:
    """A sale is recorded only for a household known here and enrolled in e-commerce."""
    if current_app.extensions["household_view"].get(household_id) is None:
        return f"unknown household {household_id}"
    if not current_app.extensions["enrolments"].is_enrolled(household_id):
        return f"household {household_id} is not enrolled in e-commerce"
    return None


@blp.route("")
class Sales(MethodView):
    @blp.arguments(SaleQuerySchema, location="query")
    @blp.response(200, SalePageSchema)
    def get(self, args):
        """Sales, newest first (only the caller's county scope)."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = repo().list(principal.county_filter, args.get("household_id"), skip, limit)
        return page_result(items, total, args)

    @blp.arguments(SaleCreateSchema)
    @blp.response(201, SaleSchema)
    @blp.alt_response(401, description="not logged in")
    @blp.alt_response(403, description="role not allowed here")
    def post(self, fields):
        """Record a sale; the income reaches the household's file through the registry."""
        principal = authorize(WRITE, county=county_of(fields["household_id"]))
        problem = sale_problem(fields["household_id"])
        if problem:
            abort(409, message=problem, errors={"json": {"household_id": [problem]}})
        return repo().record(fields, principal.username)


@blp.route("/<sale_id>")
class Sale(MethodView):
    @blp.response(200, SaleSchema)
    def get(self, sale_id):
        """One sale."""
        sale = repo().get(sale_id)
        if sale is None:
            abort(404, message=f"no sale {sale_id}")
        authorize(READ, county=county_of(sale["household_id"]))
        return sale
