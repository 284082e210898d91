"""Installations, their members and public-welfare posts under /api/installations."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from shared.programs.refusals import refusals
from services.photovoltaic.api import schemas as s
from services.photovoltaic.usecases import installations as uc

blp = Blueprint("installations", __name__, url_prefix="/api/installations",
                description="Rooftop systems and village PV stations (户用光伏与村级光伏电站), members and posts")
CONFLICT = "refused by a rule (household not enrolled, already a member, changed meanwhile …)"
REFUSED_INPUT = "unknown household (not in the registry's files known here), or input the rules refuse"


def _one(installation_id: str) -> dict:
    with refusals():
        doc = uc.repo().require(installation_id)
    authorize(READ, county=doc["county_code"])
    return uc.with_status([doc])[0]


@blp.route("")
class Installations(MethodView):
    @blp.arguments(s.InstallationQuerySchema, location="query")
    @blp.response(200, s.InstallationPageSchema)
    def get(self, args):
        """Installations in the caller's scope, newest first; search by id or name, filter by
        kind, status, county or member household."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = uc.search(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.InstallationCreateSchema)
    @blp.response(201, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, fields):
        """Register a rooftop system (for an enrolled household) or a village station."""
        with refusals():
            return uc.with_status([uc.create(fields)])[0]


@blp.route("/<installation_id>")
class Installation(MethodView):
    @blp.response(200, s.InstallationSchema)
    def get(self, installation_id):
        """One installation with its members, posts, status and event history."""
        return _one(installation_id)

    @blp.arguments(s.InstallationEditSchema)
    @blp.response(200, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def patch(self, fields, installation_id):
        """Correct an installation's name, capacity, commissioning date or village (same county)."""
        with refusals():
            return uc.with_status([uc.edit(installation_id, fields)])[0]


@blp.route("/<installation_id>/members")
class Members(MethodView):
    @blp.arguments(s.JoinSchema)
    @blp.response(201, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, body, installation_id):
        """An enrolled household of the county joins the station with shares."""
        with refusals():
            return uc.with_status([uc.join(installation_id, body["household_id"], body["shares"], body["joined_on"])])[0]


@blp.route("/<installation_id>/members/<household_id>")
class Member(MethodView):
    @blp.arguments(s.SharesSchema)
    @blp.response(200, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def patch(self, body, installation_id, household_id):
        """Change a member's shares (from the next distribution on)."""
        with refusals():
            return uc.with_status([uc.set_shares(installation_id, household_id, body["shares"])])[0]


@blp.route("/<installation_id>/members/<household_id>/leave")
class MemberLeave(MethodView):
    @blp.arguments(s.LeaveSchema)
    @blp.response(200, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, body, installation_id, household_id):
        """A household leaves the station, with a reason."""
        with refusals():
            return uc.with_status([uc.leave(installation_id, household_id, body["reason"], body["left_on"])])[0]


@blp.route("/<installation_id>/posts")
class Posts(MethodView):
    @blp.arguments(s.PostCreateSchema)
    @blp.response(201, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, body, installation_id):
        """A member of an enrolled household takes a public-welfare post (公益岗位) paid from the station."""
        with refusals():
            return uc.with_status([uc.assign_post(installation_id, body)])[0]


@blp.route("/<installation_id>/posts/<post_id>/end")
class PostEnd(MethodView):
    @blp.arguments(s.PostEndSchema)
    @blp.response(200, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, body, installation_id, post_id):
        """End a public-welfare post, with a reason."""
        with refusals():
            return uc.with_status([uc.end_post(installation_id, post_id, body["reason"], body["ended_on"])])[0]
