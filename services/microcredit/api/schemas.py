"""Request and response schemas of the micro-credit API. Requests refuse unknown fields and
name each field's problem; money is integer fen."""
from datetime import date

from marshmallow import Schema, fields, validate

from shared.events.types.common import HouseholdId
from shared.events.types.microcredit import GRADES, METHODS
from shared.months import MONTH_PATTERN
from shared.programs.schemas import HistorySchema, PeriodQuerySchema
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.microcredit.domain.states import STATES
from shared.messages import N_

MONTH = validate.Regexp(MONTH_PATTERN, error=N_("A month as YYYY-MM."))
COUNTY = validate.Regexp(r"^[0-9]{6}$", error=N_("A 6-digit county code."))


def Text(max_len: int = 200, required: bool = True, **kw):  # noqa: N802  (reads like a field class)
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=max_len), **kw)
    return fields.String(load_default="", validate=validate.Length(max=max_len), **kw)


def PositiveFen(**kw):  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=10**12), **kw)


def Day(**kw):  # noqa: N802
    """A day, today when not sent."""
    return fields.Date(load_default=date.today, **kw)


class RatingCreateSchema(StrictSchema):
    household_id = HouseholdId()
    grade = fields.String(required=True, validate=validate.OneOf(GRADES))
    credit_line_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**12),
                                     metadata={"description": "credit line (授信额度) in fen; 0 for 'poor'"})
    rated_on = Day()
    note = Text(500, required=False)


class RatingQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=64), metadata={"description": "household id or head's name prefix"})
    grade = fields.String(validate=validate.OneOf(GRADES))
    county_code = fields.String(validate=COUNTY)


class RatingSchema(Schema):
    household_id = fields.String(attribute="_id")
    head_name = fields.String()
    village = fields.String()
    county_code = fields.String()
    rating_id = fields.String()
    grade = fields.String()
    credit_line_fen = fields.Integer()
    rated_on = fields.String()
    valid_until = fields.String()
    note = fields.String()
    rated_by = fields.String()
    previous = fields.List(fields.Dict())
    events = fields.List(fields.Nested(HistorySchema))


RatingPageSchema = page_schema(RatingSchema, "RatingPage")


# --- loans ---------------------------------------------------------------------------------
class LoanCreateSchema(StrictSchema):
    household_id = HouseholdId()
    principal_fen = PositiveFen(required=True)
    term_months = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=120))
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    purpose = Text(200)
    bank = Text(100, metadata={"description": "the lending bank (partner code or name)"})
    applied_on = Day()


class LoanQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=64), metadata={"description": "loan id, household id or head's name prefix"})
    status = fields.String(validate=validate.OneOf(STATES))
    method = fields.String(validate=validate.OneOf(METHODS))
    household_id = fields.String(validate=validate.Length(max=32))
    county_code = fields.String(validate=COUNTY)


class ApproveSchema(StrictSchema):
    approved_on = Day(metadata={"description": "default today"})


class DisburseSchema(StrictSchema):
    disbursed_on = Day(metadata={"description": "default today; the schedule starts here"})


class RejectSchema(StrictSchema):
    rejected_on = Day()
    reason = Text(500)


class RepaymentCreateSchema(StrictSchema):
    amount_fen = PositiveFen(required=True)
    paid_on = fields.Date(required=True)
    partner = fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "bank code"})
    partner_ref = fields.String(validate=validate.Length(min=1, max=128),
                                metadata={"description": "the bank's reference: the same report sent again (same partner, "
                                                         "partner_ref, amount and day) records nothing and "
                                                         "answers 200; another with that reference is a 409"})


class ExtendSchema(StrictSchema):
    months = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=120))
    extended_on = Day()
    reason = Text(500)


class WriteOffSchema(StrictSchema):
    written_off_on = Day()
    reason = Text(500)


class InstalmentSchema(Schema):
    no = fields.Integer()
    due_on = fields.String()
    principal_fen = fields.Integer()
    interest_fen = fields.Integer()
    paid_principal_fen = fields.Integer(load_default=0, dump_default=0)
    paid_interest_fen = fields.Integer(load_default=0, dump_default=0)
    days_past_due = fields.Integer(dump_default=0)


class LineSchema(Schema):
    no = fields.Integer()
    interest_fen = fields.Integer()
    principal_fen = fields.Integer()


class RepaymentSchema(Schema):
    id = fields.String()
    amount_fen = fields.Integer()
    paid_on = fields.String()
    interest_fen = fields.Integer()
    principal_fen = fields.Integer()
    lines = fields.List(fields.Nested(LineSchema))
    source = fields.String()
    partner = fields.String(allow_none=True)
    partner_ref = fields.String(allow_none=True)
    recorded_by = fields.String()


class LoanSchema(Schema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    head_name = fields.String()
    village = fields.String()
    county_code = fields.String()
    status = fields.String()
    principal_fen = fields.Integer()
    term_months = fields.Integer()
    method = fields.String()
    annual_rate = fields.String()
    subsidy_share = fields.String()
    purpose = fields.String()
    bank = fields.String()
    applied_on = fields.String()
    approved_on = fields.String()
    rejected_on = fields.String()
    disbursed_on = fields.String()
    maturity_on = fields.String()
    extended_on = fields.String()
    written_off_on = fields.String()
    written_off_fen = fields.Integer()
    closed_on = fields.String()
    reason = fields.String()
    principal_paid_fen = fields.Integer()
    interest_paid_fen = fields.Integer()
    subsidy_fen = fields.Integer()
    days_past_due = fields.Integer()
    overdue_fen = fields.Integer()
    overdue_checked_on = fields.String()
    schedule = fields.List(fields.Nested(InstalmentSchema))
    repayments = fields.List(fields.Nested(RepaymentSchema))
    events = fields.List(fields.Nested(HistorySchema))


LoanPageSchema = page_schema(LoanSchema, "LoanPage")


class RepaymentResultSchema(Schema):
    repayment = fields.Nested(RepaymentSchema)
    loan = fields.Nested(LoanSchema)


# --- funds ---------------------------------------------------------------------------------
class DepositSchema(StrictSchema):
    amount_fen = PositiveFen(required=True)
    deposited_on = Day()
    note = Text(500, required=False)


class FundSchema(Schema):
    county_code = fields.String(attribute="_id")
    balance_fen = fields.Integer()
    deposited_fen = fields.Integer()
    drawn_fen = fields.Integer()
    deposits = fields.List(fields.Dict())
    draws = fields.List(fields.Dict())


class FundListSchema(Schema):
    items = fields.List(fields.Nested(FundSchema))


# --- report --------------------------------------------------------------------------------
class ReportQuerySchema(PeriodQuerySchema):
    """?from=YYYY-MM&to=YYYY-MM&county_code="""


class ReportRowSchema(Schema):
    month = fields.String()
    county_code = fields.String()
    loans = fields.Integer(metadata={"description": "loans disbursed in the month"})
    disbursed_fen = fields.Integer()
    repaid_fen = fields.Integer()
    outstanding_fen = fields.Integer(metadata={"description": "principal outstanding at the month's end"})
    overdue_fen = fields.Integer(metadata={"description": "outstanding principal of loans past due at the month's end"})
    due_fen = fields.Integer()
    due_paid_fen = fields.Integer()
    written_off_fen = fields.Integer()
    repayment_rate = fields.Float(allow_none=True, metadata={"description": "per cent of what fell due, paid"})
    overdue_rate = fields.Float(allow_none=True, metadata={"description": "per cent of outstanding, overdue"})


class ReportSchema(Schema):
    first = fields.String(data_key="from")
    last = fields.String(data_key="to")
    rows = fields.List(fields.Nested(ReportRowSchema))
    totals = fields.Nested(ReportRowSchema)
