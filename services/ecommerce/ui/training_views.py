"""E-commerce pages of training in online selling: sessions (list, new, edit) and a
session's page where the attendance of household members is recorded."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.web.forms import int_or_text
from shared.programs.forms import page_number, text
from shared.programs.refused import Refused
from services.ecommerce.api.common import authorize_village, ecommerce, session_for
from services.ecommerce.api.training_schemas import (AttendanceSchema, TrainingCreateSchema, TrainingQuerySchema,
                                                     TrainingUpdateSchema)
from services.ecommerce.ui.forms import filters, name_list, raw_filters, refusal, validate

bp = Blueprint("ecommerce_trainings", __name__)
PER_PAGE = 50
TEXT = ("held_on", "village_code", "village", "trainer", "topic")


@bp.get("/trainings")
@require(READ)
def trainings():
    principal = authorize(READ)
    wanted, problems = filters(TrainingQuerySchema())
    for field, problem in problems.items():
        flash(f"{field}: {problem}")
    page = page_number()
    items, total = ecommerce().trainings.list(principal.county_filter, wanted, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("ecommerce/trainings.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           params=raw_filters())


def _form(errors, values, session=None):
    return render_template("ecommerce/training_form.html", errors=errors, values=values,
                           session=session), 422 if errors else 200


@bp.route("/trainings/new", methods=["GET", "POST"])
@require(WRITE)
def new_training():
    if request.method == "GET":
        return _form({}, {})
    fields, errors = validate(TrainingCreateSchema, text(*TEXT))
    if fields is not None:
        principal = authorize(WRITE, county=fields["village_code"][:6])
        session = ecommerce().schedule_training(fields, principal.username)
        flash(_("Training session recorded."))
        return redirect(url_for("ecommerce_trainings.training", session_id=session["_id"]))
    return _form(errors, request.form)


@bp.route("/trainings/<session_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_training(session_id):
    session, principal = session_for(WRITE, session_id)
    if request.method == "GET":
        return _form({}, session, session)
    payload = text(*TEXT, "version")
    if "version" in payload:
        payload["version"] = int_or_text(payload["version"])
    fields, errors = validate(TrainingUpdateSchema, payload)
    if fields is not None:
        authorize_village(fields)
        try:
            ecommerce().update_training(session, fields, principal.username)
        except Refused as exc:
            errors = refusal(exc)
        else:
            flash(_("Training session updated."))
            return redirect(url_for("ecommerce_trainings.training", session_id=session_id))
    return _form(errors, request.form, session)


def _session_page(session_id, errors=None, values=None):
    session, principal = session_for(READ, session_id)
    return render_template("ecommerce/training.html", c=session, errors=errors or {}, values=values or {},
                           can_write=principal.can(WRITE, "ecommerce", session["county_code"])), 422 if errors else 200


@bp.get("/trainings/<session_id>")
@require(READ)
def training(session_id):
    return _session_page(session_id)


@bp.post("/trainings/<session_id>/attendance")
@require(WRITE)
def attend(session_id):
    session, principal = session_for(WRITE, session_id)
    payload = text("household_id")
    payload["members"] = name_list(request.form.get("members", ""))
    fields, errors = validate(AttendanceSchema, payload)
    if fields is not None:
        try:
            ecommerce().record_attendance(session, fields, principal.username)
        except Refused as exc:
            errors = refusal(exc)
        else:
            flash(_("Attendance of %(id)s recorded.", id=fields["household_id"]))
            return redirect(url_for("ecommerce_trainings.training", session_id=session_id))
    return _session_page(session_id, errors, request.form)
