"""E-commerce HTTP API: online stores under /api/stores."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.programs.households import NOT_ENROLLED_STATUS, UNKNOWN_HOUSEHOLD_STATUS
from shared.store import WriteConflict
from shared.web.schemas import page_args, page_result
from services.ecommerce.api.checks import household_guard, refuse, refuse_fields
from services.ecommerce.api.store_schemas import (StoreCloseSchema, StoreCreateSchema, StorePageSchema,
                                                  StoreQuerySchema, StoreSchema, StoreUpdateSchema)
from services.ecommerce.domain.stores import HOUSEHOLD, commitment_changes, store_county

blp = Blueprint("stores", __name__, url_prefix="/api/stores",
                description="Online stores of households, cooperatives and enterprises (网店)")


def repo():
    return current_app.extensions["stores"]


def households_refused(household_ids: list[str], field: str) -> None:
    """Every household a store names must be known here and enrolled in e-commerce: 422 if
    one is unknown (bad input), else 409, as for one household (shared.programs.households)."""
    refused = [r for r in (household_guard().refusal(h, field) for h in household_ids) if r]
    if refused:
        problems = [r.message for r in refused]
        status = UNKNOWN_HOUSEHOLD_STATUS if any(r.status == UNKNOWN_HOUSEHOLD_STATUS for r in refused) else NOT_ENROLLED_STATUS
        refuse_fields({field: problems}, status, "; ".join(problems))


def one_store(store_id: str, action: str = READ) -> tuple[dict, object]:
    store = repo().get(store_id)
    if store is None:
        abort(404, message=f"no store {store_id}")
    return store, authorize(action, county=store["county_code"])


def open_store(fields: dict, username: str) -> dict:
    if fields["kind"] == HOUSEHOLD:
        households_refused([fields["household_id"]], "household_id")
        return repo().open(fields, username, household_guard().view.get(fields["household_id"])["head_name"])
    households_refused(fields["committed_households"], "committed_households")
    return repo().open(fields, username)


def update_store(store: dict, fields: dict, username: str) -> dict:
    if "committed_households" in fields:
        if store["kind"] == HOUSEHOLD:
            refuse("committed_households", "A household's own store commits to buy from no one.", 422)
        outside = [h for h in fields["committed_households"] if county_of(h) != store["county_code"]]
        if outside:
            refuse("committed_households", f"Not in county {store['county_code']}: {', '.join(outside)}.", 422)
        added, removed = commitment_changes(store["committed_households"], fields["committed_households"])
        households_refused(added, "committed_households")
        if removed and not fields.get("reason"):
            refuse("reason", "Say why the households removed leave the commitment (they are told).", 422)
    try:
        return repo().update(store["_id"], fields, username, fields.get("version"), fields.get("reason", ""))
    except WriteConflict as exc:
        abort(409, message=str(exc))


@blp.route("")
class Stores(MethodView):
    @blp.arguments(StoreQuerySchema, location="query")
    @blp.response(200, StorePageSchema)
    def get(self, args):
        """Stores in the caller's county scope, most recently changed first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = repo().list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(StoreCreateSchema)
    @blp.response(201, StoreSchema)
    @blp.alt_response(409, description="a household named is not enrolled")
    @blp.alt_response(422, description="unknown household (not in the registry's files known here), or input the rules refuse")
    def post(self, fields):
        """Open a store: a household's own (it hears of it), or a cooperative's or enterprise's
        that commits to buy from named households (each hears of the commitment)."""
        principal = authorize(WRITE, county=store_county(fields))
        return open_store(fields, principal.username)


@blp.route("/<store_id>")
class Store(MethodView):
    @blp.response(200, StoreSchema)
    @blp.alt_response(404, description="no such store")
    def get(self, store_id):
        """One store with its history."""
        return one_store(store_id)[0]

    @blp.arguments(StoreUpdateSchema)
    @blp.response(200, StoreSchema)
    @blp.alt_response(404, description="no such store")
    @blp.alt_response(409, description="closed, changed since the version read, or a household added is not enrolled")
    def patch(self, fields, store_id):
        """Change a store's details or the households it buys from."""
        store, principal = one_store(store_id, WRITE)
        return update_store(store, fields, principal.username)


@blp.route("/<store_id>/close")
class StoreClose(MethodView):
    @blp.arguments(StoreCloseSchema)
    @blp.response(200, StoreSchema)
    @blp.alt_response(404, description="no such store")
    @blp.alt_response(409, description="already closed")
    def post(self, fields, store_id):
        """Close a store, with a reason (a risk signal for households that exited poverty)."""
        _, principal = one_store(store_id, WRITE)
        try:
            return repo().close(store_id, fields["closed_on"], fields["reason"], principal.username)
        except WriteConflict as exc:
            abort(409, message=str(exc))
