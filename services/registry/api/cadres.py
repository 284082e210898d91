"""A household's assistance cadre (帮扶责任人) over HTTP: at most one current cadre, the
earlier ones kept with their end. Assigning and ending are the county office's (APPROVE)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import APPROVE
from services.registry.api.common import household_for, refusals, registry
from services.registry.api.village_schemas import CadreAssignSchema, CadreEndSchema, HouseholdCadreSchema
from services.registry.domain.exit_rules import today_utc

blp = Blueprint("cadres", __name__, url_prefix="/api/households", description="Assistance cadres (帮扶责任人)")


@blp.route("/<household_id>/cadre")
class Cadre(MethodView):
    @blp.response(200, HouseholdCadreSchema)
    def get(self, household_id):
        """The household's current cadre and the earlier ones."""
        return household_for(household_id)[1]

    @blp.arguments(CadreAssignSchema)
    @blp.response(200, HouseholdCadreSchema)
    def post(self, body, household_id):
        """Assign a cadre (name, unit, phone); the current one, if any, ends that day."""
        principal, household = household_for(household_id, APPROVE)
        cadre = {k: body[k] for k in ("name", "unit", "phone")}
        with refusals():
            return registry().villages.assign_cadre(household, cadre, body.get("since") or today_utc(),
                                                    principal.username, body["reason"])


@blp.route("/<household_id>/cadre/end")
class CadreEnd(MethodView):
    @blp.arguments(CadreEndSchema)
    @blp.response(200, HouseholdCadreSchema)
    def post(self, body, household_id):
        """End the current cadre's assignment (409 when there is none)."""
        principal, household = household_for(household_id, APPROVE)
        with refusals():
            return registry().villages.assign_cadre(household, None, body.get("on") or today_utc(),
                                                    principal.username, body["reason"])
