"""Pages for loans: the list (the start page), the application form, and a loan's page with
its schedule, repayments, the actions its state allows and its own event history."""
from datetime import date
from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.events.types.microcredit import METHODS
from shared.web.forms import int_or_text, yuan_to_fen
from shared.programs.forms import form_page, household_county, listing, record_or_404, submit, text
from services.microcredit.api.schemas import (ApproveSchema, DisburseSchema, ExtendSchema, LoanCreateSchema,
                                              LoanQuerySchema, RejectSchema, RepaymentCreateSchema, WriteOffSchema)
from services.microcredit.domain.allocation import outstanding
from services.microcredit.domain.states import STATES, allowed_actions
from services.microcredit.ui.blueprint import PER_PAGE, bp, microcredit

LIST_FILTERS = ("q", "status", "method", "county_code")


@bp.get("/")
@require(READ)
def index():
    shown = listing(*LIST_FILTERS, schema=LoanQuerySchema, per_page=PER_PAGE)
    items, total = microcredit().loans.list(shown.principal.county_filter, shown.query, *shown.window)
    return shown.render("microcredit/loans.html", items, total, states=STATES, methods=METHODS)


def _application() -> dict:
    """The application form as the API takes it; empty inputs left out, so the schema names them."""
    payload = text("household_id", "method", "purpose", "bank", "applied_on")
    payload["term_months"] = int_or_text(request.form.get("term_months", ""))
    payload["principal_fen"] = yuan_to_fen(request.form.get("principal_yuan", ""))
    return {k: v for k, v in payload.items() if v is not None and v != ""}


@bp.route("/loans/new", methods=["GET", "POST"])
@require(WRITE)
def new_loan():
    errors, values = {}, request.form
    if request.method == "POST":
        loan, errors = submit(LoanCreateSchema, _application(), microcredit().apply, household_county)
        if not errors:
            flash(_("Loan application %(id)s recorded.", id=loan["_id"]))
            return redirect(url_for("microcredit_ui.loan", loan_id=loan["_id"]))
    else:
        values = {"household_id": request.args.get("household_id", ""), "method": "equal_instalments",
                  "term_months": "36", "applied_on": date.today().isoformat()}
    return form_page("microcredit/loan_form.html", errors, values=values, methods=METHODS,
                     policy=microcredit().policy)


def _loan_page(loan_id: str, errors=None, action: str | None = None, values=None, status: int = 200):
    loan, _principal = record_or_404(microcredit().loans.get(loan_id))
    interest_left, principal_left = outstanding(loan.get("schedule", []))
    return render_template("microcredit/loan.html", loan=loan, actions=allowed_actions(loan["status"]),
                           errors=errors or {}, failed=action, values=values or {},
                           today=date.today().isoformat(), owed={"interest": interest_left,
                                                                 "principal": principal_left},
                           rating=microcredit().ratings.get(loan["household_id"])), status


@bp.get("/loans/<loan_id>")
@require(READ)
def loan(loan_id):
    return _loan_page(loan_id)


def _payload(action: str) -> tuple[object, dict]:
    if action == "approve":
        return ApproveSchema, text("approved_on")
    if action == "reject":
        return RejectSchema, text("rejected_on", "reason")
    if action == "disburse":
        return DisburseSchema, text("disbursed_on")
    if action == "repay":
        payload = text("paid_on", "partner", "partner_ref")
        amount = yuan_to_fen(request.form.get("amount_yuan", ""))
        if amount is not None:
            payload["amount_fen"] = amount
        return RepaymentCreateSchema, payload
    if action == "extend":
        payload = text("extended_on", "reason")
        if request.form.get("months", "").strip():
            payload["months"] = int_or_text(request.form["months"].strip())
        return ExtendSchema, payload
    return WriteOffSchema, text("written_off_on", "reason")


ACTIONS = ("approve", "reject", "disburse", "repay", "extend", "write-off")


@bp.post("/loans/<loan_id>/<action>")
@require(WRITE)
def act(loan_id, action):
    if action not in ACTIONS:
        return _loan_page(loan_id, {"_schema": _("Unknown action.")}, None, request.form, 404)
    record, principal = record_or_404(microcredit().loans.get(loan_id), WRITE)
    schema, payload = _payload(action)
    done, errors = submit(schema, payload, partial(_take, action, record), principal=principal)
    if not errors:
        flash(done)
        return redirect(url_for("microcredit_ui.loan", loan_id=loan_id))
    return _loan_page(loan_id, errors, action, request.form, 422)


def _take(action: str, loan: dict, fields: dict, by: str) -> str:
    """Take the step on the loan; what the page says once it is taken."""
    m = microcredit()
    if action == "approve":
        m.approve(loan, fields["approved_on"], by)
        return _("Loan approved.")
    if action == "reject":
        m.reject(loan, fields["rejected_on"], fields["reason"], by)
        return _("Loan rejected.")
    if action == "disburse":
        m.disburse(loan, fields["disbursed_on"], by)
        return _("Loan disbursed.")
    if action == "repay":
        m.repay(loan["_id"], fields, by)
        return _("Repayment recorded.")
    if action == "extend":
        m.extend(loan, fields, by)
        return _("Loan extended.")
    m.write_off(loan, fields, by)
    return _("Loan written off.")
