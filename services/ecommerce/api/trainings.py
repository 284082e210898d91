"""E-commerce HTTP API: training in online selling under /api/trainings."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result

from services.ecommerce.adapters.trainings import AttendanceRefused
from shared.programs.refusals import refusals
from shared.store import WriteConflict
from services.ecommerce.api.checks import household_guard, refuse
from services.ecommerce.api.training_schemas import (AttendanceSchema, TrainingCreateSchema, TrainingPageSchema,
                                                     TrainingQuerySchema, TrainingSchema, TrainingUpdateSchema)
from services.ecommerce.domain.training import clean_members

blp = Blueprint("trainings", __name__, url_prefix="/api/trainings",
                description="Training in online selling: sessions and attendance (电商培训)")


def repo():
    return current_app.extensions["trainings"]


def one_session(session_id: str, action: str = READ) -> tuple[dict, object]:
    session = repo().get(session_id)
    if session is None:
        abort(404, message=f"no training session {session_id}")
    return session, authorize(action, county=session["county_code"])


def update_session(session: dict, fields: dict, username: str) -> dict:
    if fields.get("village_code"):
        authorize(WRITE, county=fields["village_code"][:6])
    try:
        return repo().update(session["_id"], fields, username, fields.get("version"))
    except WriteConflict as exc:
        abort(409, message=str(exc))


def record_attendance(session_id: str, fields: dict, username: str) -> dict:
    with refusals():
        household = household_guard().require_enrolled(fields["household_id"])
    try:
        return repo().attend(session_id, household, clean_members(fields["members"]), username)
    except AttendanceRefused as exc:
        refuse("household_id", str(exc))


@blp.route("")
class Trainings(MethodView):
    @blp.arguments(TrainingQuerySchema, location="query")
    @blp.response(200, TrainingPageSchema)
    def get(self, args):
        """Training sessions in the caller's county scope, latest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = repo().list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(TrainingCreateSchema)
    @blp.response(201, TrainingSchema)
    def post(self, fields):
        """Record a training session (date, village, trainer, topic)."""
        principal = authorize(WRITE, county=fields["village_code"][:6])
        return repo().schedule(fields, principal.username)


@blp.route("/<session_id>")
class Training(MethodView):
    @blp.response(200, TrainingSchema)
    @blp.alt_response(404, description="no such session")
    def get(self, session_id):
        """One session with its attendance and history."""
        return one_session(session_id)[0]

    @blp.arguments(TrainingUpdateSchema)
    @blp.response(200, TrainingSchema)
    @blp.alt_response(404, description="no such session")
    @blp.alt_response(409, description="changed since the version read, or moved out of its attendees' county")
    def patch(self, fields, session_id):
        """Correct a session; households that attended hear of it."""
        session, principal = one_session(session_id, WRITE)
        return update_session(session, fields, principal.username)


@blp.route("/<session_id>/attendance")
class Attendance(MethodView):
    @blp.arguments(AttendanceSchema)
    @blp.response(201, TrainingSchema)
    @blp.alt_response(404, description="no such session")
    @blp.alt_response(409, description="household not enrolled, another county, or already recorded")
    @blp.alt_response(422, description="unknown household (not in the registry's files known here), or input the rules refuse")
    def post(self, fields, session_id):
        """Record which members of a household attended (names as given)."""
        _, principal = one_session(session_id, WRITE)
        return record_attendance(session_id, fields, principal.username)
