"""Relocation cases and the steps of their lifecycle under /api/cases."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.programs.refusals import refusals
from shared.web.schemas import page_args, page_result
from services.relocation.api import schemas as s
from services.relocation.api.common import case_for, relocation

blp = Blueprint("cases", __name__, url_prefix="/api/cases",
                description="Relocation cases: enrolled → housing allocated → moved in → employment arranged → "
                            "land reclaimed; training and subsidies. Each step publishes its event.")


@blp.route("")
class Cases(MethodView):
    @blp.arguments(s.CaseQuerySchema, location="query")
    @blp.response(200, s.CasePageSchema)
    def get(self, args):
        """Cases in the caller's scope, newest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = relocation().cases.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.CaseCreateSchema)
    @blp.response(201, s.CaseSchema)
    @blp.alt_response(409, description="the household already has a case, or is not enrolled")
    def post(self, fields):
        """Open the relocation case of a household enrolled in the program."""
        with refusals():
            household = relocation().household(fields["household_id"])
            principal = authorize(WRITE, county=household["county_code"])
            return relocation().open_case(household, fields.get("people"), principal.username)


@blp.route("/<case_id>")
class Case(MethodView):
    @blp.response(200, s.CaseSchema)
    def get(self, case_id):
        """One case with its steps, subsidies and event history."""
        case, _ = case_for(READ, case_id)
        return case


def _step(path: str, schema, step: str, doc: str, single: str | None = None):
    """One POST endpoint per step: validated body in, the case out (409 when out of order)."""
    def post(self, body, case_id):
        case, principal = case_for(WRITE, case_id)
        with refusals():
            return getattr(relocation(), step)(case, body[single] if single else body, principal.username)
    post.__doc__ = doc
    view = type(f"Step{path.title().replace('-', '')}", (MethodView,), {"post": post})
    view.post = blp.alt_response(409, description="the step is out of order")(
        blp.response(200, s.CaseSchema)(blp.arguments(schema)(view.post)))
    blp.route(f"/<case_id>/{path}")(view)


_step("housing", s.AllocateSchema, "allocate_housing",
      "Allocate housing at a site (≤ 25 m² per person, self-paid share capped; the site's capacity holds).")
_step("move-in", s.MoveInSchema, "move_in",
      "The household moved in: its file in the registry moves to the site's village.", "moved_in_on")
_step("employment", s.EmploymentSchema, "arrange_employment",
      "Employment arranged for a member (one household, one job).")
_step("training", s.TrainingSchema, "record_training", "Skills training completed by a member.")
_step("reclamation", s.ReclaimSchema, "reclaim_land", "Old house demolished and its land reclaimed.")
_step("subsidies", s.SubsidySchema, "pay_subsidy", "A subsidy paid (each kind once, from its stage on).")
