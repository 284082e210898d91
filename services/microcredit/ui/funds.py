"""The county risk-compensation funds: balances, deposits, and the write-offs drawn."""
from datetime import date
from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.web.forms import yuan_to_fen
from shared.programs.forms import submit, text, validate
from services.microcredit.api.schemas import DepositSchema
from services.microcredit.ui.blueprint import bp, microcredit


def _page(errors=None, values=None, status=200):
    principal = authorize(READ)
    funds = microcredit().funds.list(principal.county_filter)
    totals = {k: sum(f.get(k, 0) for f in funds) for k in ("balance_fen", "deposited_fen", "drawn_fen")}
    return render_template("microcredit/funds.html", funds=funds, totals=totals, errors=errors or {},
                           values=values or {"deposited_on": date.today().isoformat()}), status


@bp.get("/funds")
@require(READ)
def funds():
    return _page()


@bp.post("/funds")
@require(WRITE)
def deposit():
    county = request.form.get("county_code", "").strip()
    if len(county) == 6 and county.isdigit():
        _done, errors = submit(DepositSchema, _deposit(), partial(microcredit().deposit, county), county)
    else:   # no county to authorize in: the form's other errors are shown with it
        errors = {**validate(DepositSchema, _deposit())[1], "county_code": _("A 6-digit county code.")}
    if errors:
        return _page(errors, request.form, 422)
    flash(_("Deposit recorded."))
    return redirect(url_for("microcredit_ui.fund", county_code=county))


def _deposit() -> dict:
    payload = text("deposited_on", "note")
    amount = yuan_to_fen(request.form.get("amount_yuan", ""))
    if amount is not None:
        payload["amount_fen"] = amount
    return payload


@bp.get("/funds/<county_code>")
@require(READ)
def fund(county_code):
    record = microcredit().funds.get(county_code)
    if record is None:
        abort(404)
    authorize(READ, county=county_code)
    return render_template("microcredit/fund.html", fund=record)
