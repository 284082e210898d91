"""The ratings page: ratings in force (search, filters, paging) and the form to rate a household."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.microcredit import GRADES
from shared.household_ids import county_of
from shared.web.forms import yuan_to_fen
from shared.programs.forms import args, page_number, refused, text, validate
from shared.programs.refused import Refused
from services.microcredit.api.schemas import RatingCreateSchema, RatingQuerySchema
from services.microcredit.ui.blueprint import PER_PAGE, bp, microcredit


def _page(errors=None, values=None, status=200):
    principal = authorize(READ)
    shown = args("q", "grade", "county_code")
    query, filter_errors = validate(RatingQuerySchema, shown)
    query = query or {}
    page = page_number()
    items, total = microcredit().ratings.list(principal.county_filter, query, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("microcredit/ratings.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           filters=shown, filter_errors=filter_errors, grades=GRADES, errors=errors or {},
                           values=values or {"household_id": request.args.get("household_id", ""),
                                             "rated_on": date.today().isoformat()}), status


@bp.get("/ratings")
@require(READ)
def ratings():
    return _page()


@bp.post("/ratings")
@require(WRITE)
def rate():
    payload = text("household_id", "grade", "rated_on", "note")
    credit_line = yuan_to_fen(request.form.get("credit_line_yuan", ""))
    if credit_line is not None:
        payload["credit_line_fen"] = credit_line
    fields, errors = validate(RatingCreateSchema, payload)
    if fields:
        principal = authorize(WRITE, county=county_of(fields["household_id"]))
        try:
            rating = microcredit().rate(fields, principal.username)
        except Refused as exc:
            errors = refused(exc)
        else:
            flash(_("Household %(id)s rated %(grade)s.", id=rating["_id"], grade=_(rating["grade"])))
            return redirect(url_for("microcredit_ui.ratings"))
    return _page(errors, request.form, 422)
