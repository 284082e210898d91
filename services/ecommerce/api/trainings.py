"""E-commerce HTTP API: training in online selling under /api/trainings."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.schemas import page_args, page_result
from services.ecommerce.api.common import authorize_village, ecommerce, refusals, session_for
from services.ecommerce.api.training_schemas import (AttendanceSchema, TrainingCreateSchema, TrainingPageSchema,
                                                     TrainingQuerySchema, TrainingSchema, TrainingUpdateSchema)

blp = Blueprint("trainings", __name__, url_prefix="/api/trainings",
                description="Training in online selling: sessions and attendance (电商培训)")


@blp.route("")
class Trainings(MethodView):
    @blp.arguments(TrainingQuerySchema, location="query")
    @blp.response(200, TrainingPageSchema)
    def get(self, args):
        """Training sessions in the caller's county scope, latest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = ecommerce().trainings.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(TrainingCreateSchema)
    @blp.response(201, TrainingSchema)
    def post(self, fields):
        """Record a training session (date, village, trainer, topic)."""
        principal = authorize(WRITE, county=fields["village_code"][:6])
        with refusals():
            return ecommerce().schedule_training(fields, principal.username)


@blp.route("/<session_id>")
class Training(MethodView):
    @blp.response(200, TrainingSchema)
    @blp.alt_response(404, description="no such session")
    def get(self, session_id):
        """One session with its attendance and history."""
        return session_for(READ, session_id)[0]

    @blp.arguments(TrainingUpdateSchema)
    @blp.response(200, TrainingSchema)
    @blp.alt_response(404, description="no such session")
    @blp.alt_response(409, description="changed since the version read, or moved out of its attendees' county")
    def patch(self, fields, session_id):
        """Correct a session; households that attended hear of it."""
        session, principal = session_for(WRITE, session_id)
        authorize_village(fields)
        with refusals():
            return ecommerce().update_training(session, fields, principal.username)


@blp.route("/<session_id>/attendance")
class Attendance(MethodView):
    @blp.arguments(AttendanceSchema)
    @blp.response(201, TrainingSchema)
    @blp.alt_response(404, description="no such session")
    @blp.alt_response(409, description="household not enrolled, another county, or already recorded")
    @blp.alt_response(422, description="unknown household (not in the registry's files known here), or input the rules refuse")
    def post(self, fields, session_id):
        """Record which members of a household attended (names as given)."""
        session, principal = session_for(WRITE, session_id)
        with refusals():
            return ecommerce().record_attendance(session, fields, principal.username)
