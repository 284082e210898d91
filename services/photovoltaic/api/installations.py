"""Installations, their members and public-welfare posts under /api/installations."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from shared.programs.refusals import refusals
from services.photovoltaic.api import schemas as s
from services.photovoltaic.api.common import installation_for, photovoltaic

blp = Blueprint("installations", __name__, url_prefix="/api/installations",
                description="Rooftop systems and village PV stations (户用光伏与村级光伏电站), members and posts")
CONFLICT = "refused by a rule (household not enrolled, already a member, changed meanwhile …)"
REFUSED_INPUT = "unknown household (not in the registry's files known here), or input the rules refuse"


def _one(installation_id: str) -> dict:
    doc, _ = installation_for(READ, installation_id)
    return photovoltaic().with_status([doc])[0]


def _change(installation_id: str, command) -> dict:
    """``command(service, installation, by)`` once the caller may write in the installation's
    county (404 first, then 403); the installation changed, with its status."""
    doc, principal = installation_for(WRITE, installation_id)
    pv = photovoltaic()
    with refusals():
        return pv.with_status([command(pv, doc, principal.username)])[0]


@blp.route("")
class Installations(MethodView):
    @blp.arguments(s.InstallationQuerySchema, location="query")
    @blp.response(200, s.InstallationPageSchema)
    def get(self, args):
        """Installations in the caller's scope, newest first; search by id or name, filter by
        kind, status, county or member household."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = photovoltaic().search(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.InstallationCreateSchema)
    @blp.response(201, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, fields):
        """Register a rooftop system (for an enrolled household) or a village station."""
        principal = authorize(WRITE, county=fields["village_code"][:6])
        pv = photovoltaic()
        with refusals():
            return pv.with_status([pv.create(fields, principal.username)])[0]


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
        return _change(installation_id, lambda pv, doc, by: pv.edit(doc, fields, by))


@blp.route("/<installation_id>/members")
class Members(MethodView):
    @blp.arguments(s.JoinSchema)
    @blp.response(201, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, body, installation_id):
        """An enrolled household of the county joins the station with shares."""
        return _change(installation_id, lambda pv, doc, by: pv.join(doc, body["household_id"], body["shares"],
                                                                    body["joined_on"], by))


@blp.route("/<installation_id>/members/<household_id>")
class Member(MethodView):
    @blp.arguments(s.SharesSchema)
    @blp.response(200, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def patch(self, body, installation_id, household_id):
        """Change a member's shares (from the next distribution on)."""
        return _change(installation_id, lambda pv, doc, by: pv.set_shares(doc, household_id, body["shares"], by))


@blp.route("/<installation_id>/members/<household_id>/leave")
class MemberLeave(MethodView):
    @blp.arguments(s.LeaveSchema)
    @blp.response(200, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, body, installation_id, household_id):
        """A household leaves the station, with a reason."""
        return _change(installation_id, lambda pv, doc, by: pv.leave(doc, household_id, body["reason"],
                                                                     body["left_on"], by))


@blp.route("/<installation_id>/posts")
class Posts(MethodView):
    @blp.arguments(s.PostCreateSchema)
    @blp.response(201, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, body, installation_id):
        """A member of an enrolled household takes a public-welfare post (公益岗位) paid from the station."""
        return _change(installation_id, lambda pv, doc, by: pv.assign_post(doc, body, by))


@blp.route("/<installation_id>/posts/<post_id>/end")
class PostEnd(MethodView):
    @blp.arguments(s.PostEndSchema)
    @blp.response(200, s.InstallationSchema)
    @blp.alt_response(409, description=CONFLICT)
    @blp.alt_response(422, description=REFUSED_INPUT)
    def post(self, body, installation_id, post_id):
        """End a public-welfare post, with a reason."""
        return _change(installation_id, lambda pv, doc, by: pv.end_post(doc, post_id, body["reason"],
                                                                        body["ended_on"], by))
