"""What the photovoltaic resources and pages share: the service object and a record authorized
for its county; refusals take the API's one error shape through shared/programs/refusals.py."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort

from shared.auth.web import authorize
from shared.programs.access import record_for


def photovoltaic():
    """The service layer (services/photovoltaic/service.py), built in app.py."""
    return current_app.extensions["photovoltaic"]


def authorized(action: str, record: dict) -> tuple[dict, object]:
    """The record and who may ``action`` it in its county (403 otherwise)."""
    return record, authorize(action, county=record["county_code"])


# The API's look-ups (shared/programs/access.py): 404 first, then 403.
def installation_for(action: str, installation_id: str) -> tuple[dict, object]:
    return record_for(action, photovoltaic().installations.require, installation_id)


def report_for(action: str, report_id: str) -> tuple[dict, object]:
    return record_for(action, photovoltaic().reports.require, report_id)


def fault_for(action: str, fault_id: str) -> tuple[dict, object]:
    return record_for(action, photovoltaic().faults.require, fault_id)


def distribution_for(action: str, distribution_id: str) -> tuple[dict, object]:
    doc = photovoltaic().distributions.get(distribution_id)
    if doc is None:
        abort(404, message=f"no distribution {distribution_id}")
    return authorized(action, doc)
