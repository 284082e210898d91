"""Pages for cooperatives: list, register, edit, a cooperative's page (members, shares,
dividend runs) and a dividend run's page."""
from datetime import date
from functools import partial
from operator import itemgetter

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.web.forms import int_or_text, yuan_to_fen
from shared.programs.forms import form_page, listing, raw, record_or_404, submit, text
from services.tourism.api.schemas.cooperatives import (CooperativeCreateSchema, CooperativeEditSchema,
                                                       CooperativeQuerySchema, DividendRunCreateSchema,
                                                       MemberJoinSchema, MemberLeaveSchema, MemberSharesSchema)
from services.tourism.ui.blueprint import PER_PAGE, bp, tourism


@bp.get("/cooperatives")
@require(READ)
def cooperatives():
    shown = listing("q", "county_code", schema=CooperativeQuerySchema, per_page=PER_PAGE)
    items, total = tourism().cooperatives.list(shown.principal.county_filter, shown.query.get("q"),
                                               shown.query.get("county_code"), *shown.window)
    return shown.render("tourism/cooperatives.html", items, total)


@bp.route("/cooperatives/new", methods=["GET", "POST"])
@require(WRITE)
def new_cooperative():
    errors, values = {}, request.form
    if request.method == "POST":
        cooperative, errors = submit(CooperativeCreateSchema, text("name", "county_code", "village", "founded_on"),
                                     tourism().create_cooperative, itemgetter("county_code"))
        if not errors:
            flash(_("Cooperative %(name)s registered.", name=cooperative["name"]))
            return redirect(url_for("tourism_ui.cooperative", cooperative_id=cooperative["_id"]))
    else:
        principal = authorize(WRITE)
        values = {"county_code": principal.county or "", "founded_on": date.today().isoformat()}
    return form_page("tourism/cooperative_form.html", errors, values=values, editing=None)


@bp.route("/cooperatives/<cooperative_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_cooperative(cooperative_id):
    record, principal = record_or_404(tourism().cooperatives.get(cooperative_id), WRITE)
    errors, values = {}, request.form
    if request.method == "POST":
        payload = raw("name", "village")
        payload["version"] = int_or_text(request.form.get("version", ""))
        _saved, errors = submit(CooperativeEditSchema, payload, partial(tourism().edit_cooperative, record),
                                principal=principal)
        if not errors:
            flash(_("Cooperative saved."))
            return redirect(url_for("tourism_ui.cooperative", cooperative_id=cooperative_id))
    else:
        values = record
    return form_page("tourism/cooperative_form.html", errors, values=values, editing=record)


def _cooperative_page(cooperative_id: str, errors=None, values=None, form: str = ""):
    record, _principal = record_or_404(tourism().cooperatives.get(cooperative_id))
    today = date.today()
    return form_page("tourism/cooperative.html", errors or {}, c=record,
                     runs=tourism().dividends.for_cooperative(cooperative_id), values=values or {}, form=form,
                     defaults={"period": today.isoformat()[:7], "today": today.isoformat()})


@bp.get("/cooperatives/<cooperative_id>")
@require(READ)
def cooperative(cooperative_id):
    return _cooperative_page(cooperative_id)


def _act(cooperative_id: str, form: str, schema, payload: dict, do, done_message):
    """Validate an action form of the cooperative's page, run it, or show its errors there."""
    record, principal = record_or_404(tourism().cooperatives.get(cooperative_id), WRITE)
    result, errors = submit(schema, payload, partial(do, record), principal=principal)
    if errors:
        return _cooperative_page(cooperative_id, errors, request.form, form)
    flash(done_message(result))
    return redirect(url_for("tourism_ui.cooperative", cooperative_id=cooperative_id))


@bp.post("/cooperatives/<cooperative_id>/members")
@require(WRITE)
def join_cooperative(cooperative_id):
    payload = text("household_id", "joined_on")
    payload["shares"] = int_or_text(request.form.get("shares", ""))
    return _act(cooperative_id, "join", MemberJoinSchema, payload, tourism().join_cooperative,
                lambda c: _("Member added."))


@bp.post("/cooperatives/<cooperative_id>/members/<household_id>/shares")
@require(WRITE)
def change_shares(cooperative_id, household_id):
    payload = text("effective_on", "reason")
    payload["shares"] = int_or_text(request.form.get("shares", ""))
    return _act(cooperative_id, f"shares-{household_id}", MemberSharesSchema, payload,
                lambda c, f, by: tourism().change_shares(c, household_id, f, by), lambda c: _("Shares changed."))


@bp.post("/cooperatives/<cooperative_id>/members/<household_id>/leave")
@require(WRITE)
def leave_cooperative(cooperative_id, household_id):
    return _act(cooperative_id, f"leave-{household_id}", MemberLeaveSchema, text("effective_on", "reason"),
                lambda c, f, by: tourism().leave_cooperative(c, household_id, f, by), lambda c: _("Member left."))


@bp.post("/cooperatives/<cooperative_id>/dividend-runs")
@require(WRITE)
def run_dividends(cooperative_id):
    payload = text("period", "paid_on")
    payload["amount_fen"] = yuan_to_fen(request.form.get("amount_yuan", ""))
    payload = {k: v for k, v in payload.items() if v is not None}

    def message(result):
        run, created = result
        return (_("Dividends for %(period)s paid to %(n)s members.", period=run["period"], n=len(run["lines"]))
                if created else _("Dividends for %(period)s had already been paid; nothing was paid again.",
                                  period=run["period"]))
    return _act(cooperative_id, "run", DividendRunCreateSchema, payload, tourism().run_dividends, message)


@bp.get("/dividend-runs/<path:run_id>")
@require(READ)
def dividend_run(run_id):
    run, _principal = record_or_404(tourism().dividends.get(run_id))
    return render_template("tourism/dividend_run.html", r=run)
