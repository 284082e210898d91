"""What the registry's resources and pages share: the service object, a household file
authorized for its county, how a file is shown, and refusals in the API's error shape."""
from __future__ import annotations

from functools import partial

from flask import current_app
from flask_smorest import abort

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.programs import refusals as kit
from shared.programs.refused import Refused
from services.registry.api.presenting import present


def registry():
    """The service layer (services/registry/service.py), built in app.py."""
    return current_app.extensions["registry"]


def answer(exc: Refused):
    """The kit's error body, except that a refusal naming no field answers with its message
    alone, and a person already in another household names that household — as this API
    always has."""
    extra = {"household_id": exc.household_id} if getattr(exc, "household_id", None) else {}
    if exc.names_fields:
        abort(exc.status, message=exc.message, errors={"json": exc.errors}, **extra)
    abort(exc.status, message=exc.message, **extra)


refusals = partial(kit.refusals, answer)


def household_for(household_id: str, action: str = READ):
    """Who acts and the household file: the county is in the id, so 403 comes before 404."""
    principal = authorize(action, county=county_of(household_id))
    with refusals():
        household = registry().household(household_id)
    return principal, household


def shown(household, principal):
    return present(household, principal, registry().id_protection)
