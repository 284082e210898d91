"""The public notice (公示) pages: anyone may open a village's or township's notice without
logging in (no ``require``: the app factory asks for a login only on /api/ and on views that
require one), read who is in it (names partly masked, no ID number) and lodge an objection.
The form carries the session's CSRF token like every form (an anonymous session has one)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.web import public
from shared.programs.refused import Refused
from shared.web.forms import refusal_errors

bp = Blueprint("registry_notices", __name__)
LIMITS = {"name": 50, "contact": 100, "text": 1000}


def notices():
    return current_app.extensions["public_notices"]


@bp.get("/notices/<code>")
@public
def notice(code):
    try:
        shown = notices().notice(code)
    except Refused:
        abort(404)
    return render_template("registry/notice.html", notice=shown, values={}, errors={})


@bp.post("/notices/<code>/objections")
@public
def object_to(code):
    try:
        shown = notices().notice(code)
    except Refused:
        abort(404)
    values = {k: request.form.get(k, "").strip() for k in ("household_id", *LIMITS)}
    errors = {k: _("Required.") for k in LIMITS if not values[k]}
    errors.update({k: _("At most %(n)s characters.", n=n) for k, n in LIMITS.items() if len(values[k]) > n})
    if not values["household_id"]:
        errors["household_id"] = _("Choose the household you object to.")
    if not errors:
        try:
            notices().lodge_objection(code, values["household_id"], values["name"], values["contact"],
                                      values["text"], request.remote_addr or "")
        except Refused as exc:   # not in this notice (404), or too many from this address (429)
            errors.update(refusal_errors(exc))
            if exc.status == 429:
                return render_template("registry/notice.html", notice=shown, values=values, errors=errors), 429
        else:
            flash(_("Your objection was recorded; the county will look into it before the exit is decided."))
            return redirect(url_for("registry_notices.notice", code=code))
    return render_template("registry/notice.html", notice=shown, values=values, errors=errors), 422
