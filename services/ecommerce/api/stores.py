"""E-commerce HTTP API: online stores under /api/stores."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from services.ecommerce.api.common import ecommerce, refusals, store_for
from services.ecommerce.api.store_schemas import (StoreCloseSchema, StoreCreateSchema, StorePageSchema,
                                                  StoreQuerySchema, StoreSchema, StoreUpdateSchema)
from services.ecommerce.domain.stores import store_county

blp = Blueprint("stores", __name__, url_prefix="/api/stores",
                description="Online stores of households, cooperatives and enterprises (网店)")


@blp.route("")
class Stores(MethodView):
    @blp.arguments(StoreQuerySchema, location="query")
    @blp.response(200, StorePageSchema)
    def get(self, args):
        """Stores in the caller's county scope, most recently changed first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = ecommerce().stores.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(StoreCreateSchema)
    @blp.response(201, StoreSchema)
    @blp.alt_response(409, description="a household named is not enrolled")
    @blp.alt_response(422, description="unknown household (not in the registry's files known here), or input the rules refuse")
    def post(self, fields):
        """Open a store: a household's own (it hears of it), or a cooperative's or enterprise's
        that commits to buy from named households (each hears of the commitment)."""
        principal = authorize(WRITE, county=store_county(fields))
        with refusals():
            return ecommerce().open_store(fields, principal.username)


@blp.route("/<store_id>")
class Store(MethodView):
    @blp.response(200, StoreSchema)
    @blp.alt_response(404, description="no such store")
    def get(self, store_id):
        """One store with its history."""
        return store_for(READ, store_id)[0]

    @blp.arguments(StoreUpdateSchema)
    @blp.response(200, StoreSchema)
    @blp.alt_response(404, description="no such store")
    @blp.alt_response(409, description="closed, changed since the version read, or a household added is not enrolled")
    def patch(self, fields, store_id):
        """Change a store's details or the households it buys from."""
        store, principal = store_for(WRITE, store_id)
        with refusals():
            return ecommerce().update_store(store, fields, principal.username)


@blp.route("/<store_id>/close")
class StoreClose(MethodView):
    @blp.arguments(StoreCloseSchema)
    @blp.response(200, StoreSchema)
    @blp.alt_response(404, description="no such store")
    @blp.alt_response(409, description="already closed")
    def post(self, fields, store_id):
        """Close a store, with a reason (a risk signal for households that exited poverty)."""
        store, principal = store_for(WRITE, store_id)
        with refusals():
            return ecommerce().close_store(store, fields, principal.username)
