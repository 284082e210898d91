"""E-commerce HTTP API: sales under /api/sales, their corrections and refunds."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.programs.refusals import refusals
from shared.store import WriteConflict
from shared.web.schemas import page_args, page_result
from services.ecommerce.adapters.common import NotFound
from services.ecommerce.api.checks import household_guard, refuse, refuse_fields
from services.ecommerce.api.schemas import (RefundCreateSchema, SaleCorrectSchema, SaleCreateSchema, SalePageSchema,
                                            SaleQuerySchema, SaleSchema)
from services.ecommerce.domain.sales import RefundRefused
from services.ecommerce.domain.stores import sale_store_problem

blp = Blueprint("sales", __name__, url_prefix="/api/sales", description="Sales of farm products (电商销售) and refunds")


def repo():
    return current_app.extensions["sales"]


def sale_link_errors(fields: dict) -> dict:
    """Field errors when the sale names a store or a station it cannot go with."""
    errors = {}
    if fields.get("store_id"):
        store = current_app.extensions["stores"].get(fields["store_id"])
        errors.update(sale_store_problem(store, fields["household_id"], fields["channel"]))
    if fields.get("station_id"):
        station = current_app.extensions["stations"].get(fields["station_id"])
        if station is None:
            errors["station_id"] = ["No such service station."]
        elif station["county_code"] != county_of(fields["household_id"]):
            errors["station_id"] = ["The station serves another county."]
    return errors


def record_sale(fields: dict, username: str) -> tuple[dict, bool]:
    """The checks and the write shared by the API and the form (aborts with the problem).
    A sale is recorded only for a household known here and enrolled in e-commerce."""
    with refusals():
        household = household_guard().require_enrolled_recently(fields["household_id"])
    errors = sale_link_errors(fields)
    if errors:
        refuse_fields(errors, 409, "The sale names a store or station it cannot go with.")
    try:
        return repo().record(fields, username, household)
    except WriteConflict as exc:
        refuse("partner_ref", str(exc))


def one_sale(sale_id: str, action: str = READ) -> tuple[dict, object]:
    sale = repo().get(sale_id)
    if sale is None:
        abort(404, message=f"no sale {sale_id}")
    return sale, authorize(action, county=county_of(sale["household_id"]))


@blp.route("")
class Sales(MethodView):
    @blp.arguments(SaleQuerySchema, location="query")
    @blp.response(200, SalePageSchema)
    def get(self, args):
        """Sales, newest first (only the caller's county scope), with filters."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = repo().list(principal.county_filter, args, skip, limit)
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
        sale, created = record_sale(fields, principal.username)
        return sale, 201 if created else 200


@blp.route("/<sale_id>")
class Sale(MethodView):
    @blp.response(200, SaleSchema)
    @blp.alt_response(404, description="no such sale")
    def get(self, sale_id):
        """One sale, with its refunds and its history."""
        return one_sale(sale_id)[0]

    @blp.arguments(SaleCorrectSchema)
    @blp.response(200, SaleSchema)
    @blp.alt_response(404, description="no such sale")
    @blp.alt_response(409, description="the sale changed since the version read")
    def patch(self, fields, sale_id):
        """Correct a sale's product, quantity, unit or date (money is put right with a refund)."""
        _, principal = one_sale(sale_id, WRITE)
        try:
            return repo().correct(sale_id, fields, principal.username, fields.get("version"))
        except WriteConflict as exc:
            abort(409, message=str(exc))


@blp.route("/<sale_id>/refunds")
class Refunds(MethodView):
    @blp.arguments(RefundCreateSchema)
    @blp.response(201, SaleSchema)
    @blp.alt_response(200, schema=SaleSchema, description="a partner's refund report already recorded")
    @blp.alt_response(404, description="no such sale")
    @blp.alt_response(409, description="more than remains of the sale, or the sale is already fully refunded")
    def post(self, fields, sale_id):
        """Refund part or all of a sale: the registry subtracts the income it takes back."""
        _, principal = one_sale(sale_id, WRITE)
        try:
            sale, created = repo().refund(sale_id, fields["amount_fen"], fields.get("income_fen"),
                                          fields["refunded_on"], fields["reason"], principal.username,
                                          fields.get("partner_ref"))
        except RefundRefused as exc:
            refuse_fields(exc.errors, 409, str(exc))
        except (WriteConflict, NotFound) as exc:
            abort(409, message=str(exc))
        return sale, 201 if created else 200
