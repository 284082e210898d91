"""E-commerce HTTP API: sales under /api/sales, their corrections and refunds."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.web.schemas import page_args, page_result
from services.ecommerce.api.common import ecommerce, refusals, sale_for
from services.ecommerce.api.schemas import (RefundCreateSchema, SaleCorrectSchema, SaleCreateSchema, SalePageSchema,
                                            SaleQuerySchema, SaleSchema)

blp = Blueprint("sales", __name__, url_prefix="/api/sales", description="Sales of farm products (电商销售) and refunds")


@blp.route("")
class Sales(MethodView):
    @blp.arguments(SaleQuerySchema, location="query")
    @blp.response(200, SalePageSchema)
    def get(self, args):
        """Sales, newest first (only the caller's county scope), with filters."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = ecommerce().sales.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(SaleCreateSchema)
    @blp.response(201, SaleSchema)
    @blp.alt_response(200, schema=SaleSchema, description="a partner report already recorded: the sale recorded then")
    @blp.alt_response(401, description="not logged in")
    @blp.alt_response(403, description="role not allowed here")
    @blp.alt_response(409, description="household not enrolled, store or station that does not fit, "
                                       "partner reference used for another sale")
    @blp.alt_response(422, description="unknown household (not in the registry's files known here), or input the rules refuse")
    def post(self, fields):
        """Record a sale; the income reaches the household's file through the registry."""
        principal = authorize(WRITE, county=county_of(fields["household_id"]))
        with refusals():
            sale, created = ecommerce().record_sale(fields, principal.username)
        return sale, 201 if created else 200


@blp.route("/<sale_id>")
class Sale(MethodView):
    @blp.response(200, SaleSchema)
    @blp.alt_response(404, description="no such sale")
    def get(self, sale_id):
        """One sale, with its refunds and its history."""
        return sale_for(READ, sale_id)[0]

    @blp.arguments(SaleCorrectSchema)
    @blp.response(200, SaleSchema)
    @blp.alt_response(404, description="no such sale")
    @blp.alt_response(409, description="the sale changed since the version read")
    def patch(self, fields, sale_id):
        """Correct a sale's product, quantity, unit or date (money is put right with a refund)."""
        sale, principal = sale_for(WRITE, sale_id)
        with refusals():
            return ecommerce().correct_sale(sale, fields, principal.username)


@blp.route("/<sale_id>/refunds")
class Refunds(MethodView):
    @blp.arguments(RefundCreateSchema)
    @blp.response(201, SaleSchema)
    @blp.alt_response(200, schema=SaleSchema, description="a partner's refund report already recorded")
    @blp.alt_response(404, description="no such sale")
    @blp.alt_response(409, description="more than remains of the sale, or the sale is already fully refunded")
    def post(self, fields, sale_id):
        """Refund part or all of a sale: the registry subtracts the income it takes back."""
        sale, principal = sale_for(WRITE, sale_id)
        with refusals():
            sale, created = ecommerce().refund_sale(sale, fields, principal.username)
        return sale, 201 if created else 200
