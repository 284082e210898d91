"""Village tourism cooperatives under /api/cooperatives: members, shares, dividend runs."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from shared.programs.refused import Refused
from shared.programs.refusals import abort_refused
from services.tourism.api.common import found, tourism
from services.tourism.api.schemas.cooperatives import (CooperativeCreateSchema, CooperativeEditSchema,
                                                       CooperativePageSchema, CooperativeQuerySchema,
                                                       CooperativeSchema, DividendRunCreateSchema,
                                                       DividendRunListSchema, DividendRunSchema, MemberJoinSchema,
                                                       MemberLeaveSchema, MemberSharesSchema)

blp = Blueprint("cooperatives", __name__, url_prefix="/api",
                description="Village tourism cooperatives (乡村旅游合作社): members' shares and dividend runs")


def cooperative_for(cooperative_id: str, action: str):
    cooperative = found(tourism().cooperatives.get(cooperative_id), "cooperative", cooperative_id)
    return cooperative, authorize(action, county=cooperative["county_code"])


def refused_as_409(call, *args):
    try:
        return call(*args)
    except Refused as exc:
        abort_refused(exc)


@blp.route("/cooperatives")
class Cooperatives(MethodView):
    @blp.arguments(CooperativeQuerySchema, location="query")
    @blp.response(200, CooperativePageSchema)
    def get(self, args):
        """Cooperatives in the caller's scope, newest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = tourism().cooperatives.list(principal.county_filter, args.get("q"), args.get("county_code"),
                                                   skip, limit)
        return page_result(items, total, args)

    @blp.arguments(CooperativeCreateSchema)
    @blp.response(201, CooperativeSchema)
    def post(self, fields):
        """Register a cooperative of a county (its members are households of that county)."""
        principal = authorize(WRITE, county=fields["county_code"])
        return tourism().create_cooperative(fields, principal.username)


@blp.route("/cooperatives/<cooperative_id>")
class Cooperative(MethodView):
    @blp.response(200, CooperativeSchema)
    def get(self, cooperative_id):
        """One cooperative with its members and their shares."""
        return cooperative_for(cooperative_id, READ)[0]

    @blp.arguments(CooperativeEditSchema)
    @blp.response(200, CooperativeSchema)
    @blp.alt_response(409, description="changed meanwhile (version)")
    def patch(self, fields, cooperative_id):
        """Rename a cooperative or change its village."""
        cooperative, principal = cooperative_for(cooperative_id, WRITE)
        return refused_as_409(tourism().edit_cooperative, cooperative, fields, principal.username)


@blp.route("/cooperatives/<cooperative_id>/members")
class Members(MethodView):
    @blp.arguments(MemberJoinSchema)
    @blp.response(201, CooperativeSchema)
    @blp.alt_response(409, description="household not enrolled, another county, already a member")
    @blp.alt_response(422, description="unknown household (not in the registry's files known here), or input the rules refuse")
    def post(self, fields, cooperative_id):
        """A household joins with its shares."""
        cooperative, principal = cooperative_for(cooperative_id, WRITE)
        return refused_as_409(tourism().join_cooperative, cooperative, fields, principal.username)


@blp.route("/cooperatives/<cooperative_id>/members/<household_id>")
class Member(MethodView):
    @blp.arguments(MemberSharesSchema)
    @blp.response(200, CooperativeSchema)
    @blp.alt_response(409, description="not a member")
    def patch(self, fields, cooperative_id, household_id):
        """Change a member's shares (from the next dividend run on)."""
        cooperative, principal = cooperative_for(cooperative_id, WRITE)
        return refused_as_409(tourism().change_shares, cooperative, household_id, fields, principal.username)


@blp.route("/cooperatives/<cooperative_id>/members/<household_id>/leave")
class Leave(MethodView):
    @blp.arguments(MemberLeaveSchema)
    @blp.response(200, CooperativeSchema)
    @blp.alt_response(409, description="not a member")
    def post(self, fields, cooperative_id, household_id):
        """A member leaves the cooperative (its shares end)."""
        cooperative, principal = cooperative_for(cooperative_id, WRITE)
        return refused_as_409(tourism().leave_cooperative, cooperative, household_id, fields, principal.username)


@blp.route("/cooperatives/<cooperative_id>/dividend-runs")
class DividendRuns(MethodView):
    @blp.response(200, DividendRunListSchema)
    def get(self, cooperative_id):
        """The cooperative's dividend runs, latest first."""
        cooperative_for(cooperative_id, READ)
        return {"items": tourism().dividends.for_cooperative(cooperative_id)}

    @blp.arguments(DividendRunCreateSchema)
    @blp.response(201, DividendRunSchema)
    @blp.alt_response(200, schema=DividendRunSchema,
                      description="this period was already paid with this amount: the first run (nothing paid again)")
    @blp.alt_response(409, description="no member holds shares, or the period was paid with another amount")
    def post(self, fields, cooperative_id):
        """Split an amount among the members by share (largest remainder, ties by household id),
        one dividend event per member. Identified by cooperative and period: repeated, it pays once."""
        cooperative, principal = cooperative_for(cooperative_id, WRITE)
        run, created = refused_as_409(tourism().run_dividends, cooperative, fields, principal.username)
        return run, 201 if created else 200


@blp.route("/dividend-runs/<path:run_id>")
class DividendRun(MethodView):
    @blp.response(200, DividendRunSchema)
    def get(self, run_id):
        """One dividend run with every member's line."""
        run = found(tourism().dividends.get(run_id), "dividend run", run_id)
        authorize(READ, county=run["county_code"])
        return run
