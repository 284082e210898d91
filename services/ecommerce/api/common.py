"""What the e-commerce resources and pages share: the service object, a record authorized for
its county, and refusals in the API's one error shape (shared/programs/refusals.py)."""
from __future__ import annotations

from functools import partial

from flask import current_app
from flask_smorest import abort

from shared.auth.roles import WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.programs import refusals as kit
from shared.programs.refused import Refused


def ecommerce():
    """The service layer (services/ecommerce/service.py), built in app.py."""
    return current_app.extensions["ecommerce"]


def answer(exc: Refused):
    """The kit's error body, except that a refusal naming no field (a record changed meanwhile,
    a store closed) answers with its message alone, as this API always has."""
    if exc.names_fields:
        kit.abort_refused(exc)
    abort(exc.status, message=exc.message)


refusals = partial(kit.refusals, answer)


# A record and who may ``action`` it in its county: 404 first (nothing to hide about an id
# that does not exist), then 403.
def _authorized(action: str, record: dict | None, missing: str, county=lambda record: record["county_code"]):
    if record is None:
        abort(404, message=missing)
    return record, authorize(action, county=county(record))


def sale_for(action: str, sale_id: str) -> tuple[dict, object]:
    """Sales are scoped by the county in the household id (every sale ever recorded has one)."""
    return _authorized(action, ecommerce().sales.get(sale_id), f"no sale {sale_id}",
                       lambda sale: county_of(sale["household_id"]))


def store_for(action: str, store_id: str) -> tuple[dict, object]:
    return _authorized(action, ecommerce().stores.get(store_id), f"no store {store_id}")


def station_for(action: str, station_id: str) -> tuple[dict, object]:
    return _authorized(action, ecommerce().stations.get(station_id), f"no station {station_id}")


def session_for(action: str, session_id: str) -> tuple[dict, object]:
    return _authorized(action, ecommerce().trainings.get(session_id), f"no training session {session_id}")


def authorize_village(fields: dict) -> None:
    """A station or a session moved to another village: the caller must be allowed to write
    in that county too."""
    if fields.get("village_code"):
        authorize(WRITE, county=fields["village_code"][:6])
