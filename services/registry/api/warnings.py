"""A return-to-poverty warning's life (issue 18): read it, take a step on it; and the
objections lodged on a household's public notice. Scoped like the households: a county
operator acts in its county, a village cadre follows warnings up (acknowledge, assign, link
measures) but the county ends them (close, return to poverty), the auditor reads."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import APPROVE, COUNTY_OPERATOR, READ, VILLAGE_CADRE, CENTRAL, WRITE
from shared.auth.web import authorize

from services.registry.api.common import household_for, refusals
from services.registry.api.schemas import ObjectionSchema, WarningDetailSchema, WarningStepSchema
from services.registry.domain.warning_life import DECIDING_STEPS

blp = Blueprint("warnings", __name__, url_prefix="/api",
                description="Return-to-poverty warnings: acknowledge, assign, link measures, close, return")

FOLLOWING_UP = (CENTRAL, COUNTY_OPERATOR, VILLAGE_CADRE)   # who may be assigned a warning


def desk():
    return current_app.extensions["warning_desk"]


def warning_for(warning_id: str, action: str = READ):
    """Who acts and the warning: read first (its county is not in its id), then authorized."""
    with refusals():
        warning = desk().warning(warning_id)
    return authorize(action, county=warning["county_code"]), warning


def assignable_in(county: str):
    """Whether a user name is a person who may follow up warnings in ``county``."""
    def assignable(username: str) -> bool:
        person = current_app.extensions["auth_store"].principal(username)
        return person is not None and person.role in FOLLOWING_UP and person.in_county(county)
    return assignable


@blp.route("/warnings/<warning_id>")
class WarningOne(MethodView):
    @blp.response(200, WarningDetailSchema)
    def get(self, warning_id):
        """One warning with its steps (who, when, note), its state and whether it is overdue."""
        return warning_for(warning_id)[1]


@blp.route("/warnings/<warning_id>/steps")
class WarningSteps(MethodView):
    @blp.arguments(WarningStepSchema)
    @blp.response(200, WarningDetailSchema)
    def post(self, body, warning_id):
        """Take one step: acknowledge; assign (``assignee``); link_measures (``measures``: ids of
        the household's assistance events); close or return_to_poverty (``note``: the reason;
        the county's). 409 when the warning's state does not allow it, 422 for missing input."""
        step = body["step"]
        principal, warning = warning_for(warning_id, APPROVE if step in DECIDING_STEPS else WRITE)
        with refusals():
            return desk().step(warning, step, body["note"], principal.username, assignee=body["assignee"],
                               measures=body["measures"], assignable=assignable_in(warning["county_code"]),
                               central=principal.is_central)


@blp.route("/households/<household_id>/objections")
class HouseholdObjections(MethodView):
    @blp.response(200, ObjectionSchema(many=True))
    def get(self, household_id):
        """Objections lodged on the household's public notice page, newest first."""
        household_for(household_id)
        return current_app.extensions["public_notices"].objections.of(household_id)
