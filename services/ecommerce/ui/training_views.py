"""E-commerce pages of training in online selling: sessions (list, new, edit) and a
session's page where the attendance of household members is recorded."""
from functools import partial

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.programs.forms import form_page, payload, text, village_county
from services.ecommerce.api.common import ecommerce, session_for
from services.ecommerce.api.training_schemas import (AttendanceSchema, TrainingCreateSchema, TrainingQuerySchema,
                                                     TrainingUpdateSchema)
from services.ecommerce.ui.forms import in_its_village, listing, name_list, submit

bp = Blueprint("ecommerce_trainings", __name__)
TEXT = ("held_on", "village_code", "village", "trainer", "topic")


@bp.get("/trainings")
@require(READ)
def trainings():
    shown = listing(TrainingQuerySchema())
    items, total = ecommerce().trainings.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("ecommerce/trainings.html", items, total, params=shown.shown)


def _form(errors, values, session=None):
    return form_page("ecommerce/training_form.html", errors, values=values, session=session)


@bp.route("/trainings/new", methods=["GET", "POST"])
@require(WRITE)
def new_training():
    if request.method == "GET":
        return _form({}, {})
    session, errors = submit(TrainingCreateSchema, text(*TEXT), ecommerce().schedule_training, village_county)
    if errors:
        return _form(errors, request.form)
    flash(_("Training session recorded."))
    return redirect(url_for("ecommerce_trainings.training", session_id=session["_id"]))


@bp.route("/trainings/<session_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_training(session_id):
    session, principal = session_for(WRITE, session_id)
    if request.method == "GET":
        return _form({}, session, session)
    data = payload(text=TEXT, integers=("version",))
    _saved, errors = submit(TrainingUpdateSchema, data, in_its_village(ecommerce().update_training, session),
                            principal=principal)
    if errors:
        return _form(errors, request.form, session)
    flash(_("Training session updated."))
    return redirect(url_for("ecommerce_trainings.training", session_id=session_id))


def _session_page(session_id, errors=None, values=None):
    session, principal = session_for(READ, session_id)
    return form_page("ecommerce/training.html", errors or {}, c=session, values=values or {},
                     can_write=principal.can(WRITE, "ecommerce", session["county_code"]))


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
    _attended, errors = submit(AttendanceSchema, payload, partial(ecommerce().record_attendance, session),
                               principal=principal)
    if errors:
        return _session_page(session_id, errors, request.form)
    flash(_("Attendance of %(id)s recorded.", id=payload["household_id"]))
    return redirect(url_for("ecommerce_trainings.training", session_id=session_id))
