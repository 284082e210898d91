"""Loans under /api/loans: application, approval, rejection, disbursement, repayments
(recorded by operators or reported by the partner bank), extension and write-off."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.web.schemas import page_args, page_result
from shared.programs.refusals import refusals
from services.microcredit.api import schemas as s
from services.microcredit.api.common import loan_for, microcredit

blp = Blueprint("loans", __name__, url_prefix="/api/loans",
                description="Poverty-alleviation micro-credit loans (扶贫小额信贷) and their lifecycle")

STATE_CONFLICT = "the loan's state does not allow this step (the message names the state), or it changed meanwhile"


@blp.route("")
class Loans(MethodView):
    @blp.arguments(s.LoanQuerySchema, location="query")
    @blp.response(200, s.LoanPageSchema)
    def get(self, args):
        """Loans in the caller's scope, latest application first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = microcredit().loans.list(principal.county_filter, args, skip, limit)
        return page_result(items, total, args)

    @blp.arguments(s.LoanCreateSchema)
    @blp.response(201, s.LoanSchema)
    @blp.alt_response(409, description="not enrolled, no valid credit rating, or an open loan already")
    @blp.alt_response(422, description="unknown household, above the policy limits or the credit line")
    def post(self, fields):
        """Apply for a loan: at most the policy's limits and the household's credit line."""
        principal = authorize(WRITE, county=county_of(fields["household_id"]))
        with refusals():
            return microcredit().apply(fields, principal.username)


@blp.route("/<loan_id>")
class Loan(MethodView):
    @blp.response(200, s.LoanSchema)
    def get(self, loan_id):
        """One loan with its schedule, repayments and event history."""
        loan, _ = loan_for(READ, loan_id)
        return loan


@blp.route("/<loan_id>/approve")
class Approve(MethodView):
    @blp.arguments(s.ApproveSchema)
    @blp.response(200, s.LoanSchema)
    @blp.alt_response(409, description=STATE_CONFLICT)
    def post(self, body, loan_id):
        """applied → approved."""
        loan, principal = loan_for(WRITE, loan_id)
        with refusals():
            return microcredit().approve(loan, body["approved_on"], principal.username)


@blp.route("/<loan_id>/reject")
class Reject(MethodView):
    @blp.arguments(s.RejectSchema)
    @blp.response(200, s.LoanSchema)
    @blp.alt_response(409, description=STATE_CONFLICT)
    def post(self, body, loan_id):
        """applied or approved → rejected, with a reason."""
        loan, principal = loan_for(WRITE, loan_id)
        with refusals():
            return microcredit().reject(loan, body["rejected_on"], body["reason"], principal.username)


@blp.route("/<loan_id>/disburse")
class Disburse(MethodView):
    @blp.arguments(s.DisburseSchema)
    @blp.response(200, s.LoanSchema)
    @blp.alt_response(409, description=STATE_CONFLICT + "; or the rating no longer holds")
    def post(self, body, loan_id):
        """approved → disbursed: the repayment schedule is computed now."""
        loan, principal = loan_for(WRITE, loan_id)
        with refusals():
            return microcredit().disburse(loan, body["disbursed_on"], principal.username)


@blp.route("/<loan_id>/repayments")
class Repayments(MethodView):
    @blp.arguments(s.RepaymentCreateSchema)
    @blp.response(201, s.RepaymentResultSchema)
    @blp.alt_response(200, schema=s.RepaymentResultSchema,
                      description="the partner's report was received before (same partner_ref): nothing recorded again")
    @blp.alt_response(409, description=STATE_CONFLICT)
    @blp.alt_response(422, description="more than the loan owes, or a day before the disbursement")
    def post(self, body, loan_id):
        """Record a repayment (by an operator, or reported by the partner bank with its
        reference): interest first, then principal, oldest instalment first."""
        _, principal = loan_for(WRITE, loan_id)
        with refusals():
            loan, repayment, created = microcredit().repay(loan_id, body, principal.username)
        return {"repayment": repayment, "loan": loan}, 201 if created else 200


@blp.route("/<loan_id>/extend")
class Extend(MethodView):
    @blp.arguments(s.ExtendSchema)
    @blp.response(200, s.LoanSchema)
    @blp.alt_response(409, description=STATE_CONFLICT + "; or extended before")
    def post(self, body, loan_id):
        """overdue → extended (展期): what is owed is scheduled again over ``months``."""
        loan, principal = loan_for(WRITE, loan_id)
        with refusals():
            return microcredit().extend(loan, body, principal.username)


@blp.route("/<loan_id>/write-off")
class WriteOff(MethodView):
    @blp.arguments(s.WriteOffSchema)
    @blp.response(200, s.LoanSchema)
    @blp.alt_response(409, description=STATE_CONFLICT + "; or the county fund cannot cover it")
    def post(self, body, loan_id):
        """overdue → written off: the principal still owed is drawn from the county's
        risk-compensation fund."""
        loan, principal = loan_for(WRITE, loan_id)
        with refusals():
            return microcredit().write_off(loan, body, principal.username)
