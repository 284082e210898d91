"""The ratings page: ratings in force (search, filters, paging) and the form to rate a household."""
from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.events.types.microcredit import GRADES
from shared.web.forms import yuan_to_fen
from shared.programs.forms import household_county, listing, submit, text
from services.microcredit.api.schemas import RatingCreateSchema, RatingQuerySchema
from services.microcredit.ui.blueprint import PER_PAGE, bp, microcredit


def _page(errors=None, values=None, status=200):
    shown = listing("q", "grade", "county_code", schema=RatingQuerySchema, per_page=PER_PAGE)
    items, total = microcredit().ratings.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("microcredit/ratings.html", items, total, filter_errors=shown.errors, grades=GRADES,
                        errors=errors or {}, values=values or {"household_id": request.args.get("household_id", ""),
                                                              "rated_on": date.today().isoformat()}), status


@bp.get("/ratings")
@require(READ)
def ratings():
    return _page()


def _rating() -> dict:
    payload = text("household_id", "grade", "rated_on", "note")
    credit_line = yuan_to_fen(request.form.get("credit_line_yuan", ""))
    if credit_line is not None:
        payload["credit_line_fen"] = credit_line
    return payload


@bp.post("/ratings")
@require(WRITE)
def rate():
    rating, errors = submit(RatingCreateSchema, _rating(), microcredit().rate, household_county)
    if errors:
        return _page(errors, request.form, 422)
    flash(_("Household %(id)s rated %(grade)s.", id=rating["_id"], grade=_(rating["grade"])))
    return redirect(url_for("microcredit_ui.ratings"))
