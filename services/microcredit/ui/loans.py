"""Pages for loans: the list (the start page), the application form, and a loan's page with
its schedule, repayments, the actions its state allows and its own event history."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.events.types.microcredit import METHODS
from shared.household_ids import county_of
from shared.web.forms import int_or_text, yuan_to_fen
from shared.programs.forms import args, page_number, record_or_404, refused, text, validate
from shared.programs.refused import Refused
from services.microcredit.api.schemas import (ApproveSchema, DisburseSchema, ExtendSchema, LoanCreateSchema,
                                              LoanQuerySchema, RejectSchema, RepaymentCreateSchema, WriteOffSchema)
from services.microcredit.domain.allocation import outstanding
from services.microcredit.domain.states import STATES, allowed_actions
from services.microcredit.ui.blueprint import PER_PAGE, bp, microcredit

LIST_FILTERS = ("q", "status", "method", "county_code")


@bp.get("/")
@require(READ)
def index():
    principal = authorize(READ)
    shown = args(*LIST_FILTERS)
    query, errors = validate(LoanQuerySchema, shown)
    query = query or {}
    page = page_number()
    items, total = microcredit().loans.list(principal.county_filter, query, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("microcredit/loans.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           filters=shown, errors=errors, states=STATES, methods=METHODS)


@bp.route("/loans/new", methods=["GET", "POST"])
@require(WRITE)
def new_loan():
    errors, values = {}, request.form
    if request.method == "POST":
        payload = text("household_id", "method", "purpose", "bank", "applied_on")
        payload["term_months"] = int_or_text(request.form.get("term_months", ""))
        payload["principal_fen"] = yuan_to_fen(request.form.get("principal_yuan", ""))
        payload = {k: v for k, v in payload.items() if v is not None and v != ""}
        fields, errors = validate(LoanCreateSchema, payload)
        if fields:
            principal = authorize(WRITE, county=county_of(fields["household_id"]))
            try:
                loan = microcredit().apply(fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Loan application %(id)s recorded.", id=loan["_id"]))
                return redirect(url_for("microcredit_ui.loan", loan_id=loan["_id"]))
    else:
        values = {"household_id": request.args.get("household_id", ""), "method": "equal_instalments",
                  "term_months": "36", "applied_on": date.today().isoformat()}
    return render_template("microcredit/loan_form.html", errors=errors, values=values, methods=METHODS,
                           policy=microcredit().policy), 422 if errors else 200


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
    fields, errors = validate(schema, payload)
    if fields:
        m, by = microcredit(), principal.username
        try:
            if action == "approve":
                m.approve(record, fields["approved_on"], by)
                done = _("Loan approved.")
            elif action == "reject":
                m.reject(record, fields["rejected_on"], fields["reason"], by)
                done = _("Loan rejected.")
            elif action == "disburse":
                m.disburse(record, fields["disbursed_on"], by)
                done = _("Loan disbursed.")
            elif action == "repay":
                m.repay(loan_id, fields, by)
                done = _("Repayment recorded.")
            elif action == "extend":
                m.extend(record, fields, by)
                done = _("Loan extended.")
            else:
                m.write_off(record, fields, by)
                done = _("Loan written off.")
        except Refused as exc:
            errors = refused(exc)
        else:
            flash(done)
            return redirect(url_for("microcredit_ui.loan", loan_id=loan_id))
    return _loan_page(loan_id, errors, action, request.form, 422)
