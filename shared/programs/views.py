"""The enrolment pages every program service serves: list, enrol, end."""
from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.household_ids import PATTERN, county_of
from shared.programs.enrolments import EnrolmentRefused
from shared.programs.forms import PER_PAGE, page_number


def enrolment_pages() -> Blueprint:
    bp = Blueprint("enrolment_ui", __name__)

    def ext(name):
        return current_app.extensions[name]

    @bp.get("/enrolments")
    @require(READ)
    def enrolments():
        principal = authorize(READ)
        status = request.args.get("status") if request.args.get("status") in ("enrolled", "exited") else None
        page = page_number()
        items, total = ext("enrolments").list(principal.county_filter, status, (page - 1) * PER_PAGE, PER_PAGE)
        return render_template("programs/enrolments.html", items=items, total=total, page=page, per_page=PER_PAGE,
                               status=status or "", household=request.args.get("household_id", ""))

    @bp.post("/enrolments")
    @require(WRITE)
    def enrol():
        household_id = request.form.get("household_id", "").strip()
        if not re.match(PATTERN, household_id):
            flash(_("Not a household id: %(id)s", id=household_id))
            return redirect(url_for("enrolment_ui.enrolments"))
        principal = authorize(WRITE, county=county_of(household_id))
        try:
            ext("enrolments").enrol(ext("household_view").get(household_id), household_id, date.today(),
                                    request.form.get("note", "").strip()[:500], principal.username)
            flash(_("Household %(id)s enrolled.", id=household_id))
        except EnrolmentRefused as exc:
            flash(str(exc))
            return redirect(url_for("enrolment_ui.enrolments", household_id=household_id))  # keep what was typed
        return redirect(url_for("enrolment_ui.enrolments"))

    @bp.post("/enrolments/<household_id>/end")
    @require(WRITE)
    def end(household_id):
        principal = authorize(WRITE, county=county_of(household_id))
        reason = request.form.get("reason", "").strip()[:500]
        if not reason:
            flash(_("A reason is required for this step."))
        else:
            try:
                ext("enrolments").end(household_id, date.today(), reason, principal.username)
                flash(_("Enrolment of %(id)s ended.", id=household_id))
            except EnrolmentRefused as exc:
                flash(str(exc))
        return redirect(url_for("enrolment_ui.enrolments"))

    return bp
