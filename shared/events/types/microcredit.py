"""Micro-credit (扶贫小额信贷) event types.

Every event is about one household (the Kafka key): its credit rating, its loan's steps,
repayments, interest subsidies and overdue signals. A disbursement adds the principal to the
registry's ``loans_outstanding_fen``; principal repaid and principal written off take it
back out, so a loan closed or written off leaves it where it was before."""
from marshmallow import fields, validate

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.types.common import EventData, Fen, declare_enrolment

GRADES = ("excellent", "good", "fair", "poor")                 # 评级: 优秀 / 良好 / 一般 / 较差
METHODS = ("equal_instalments", "interest_only")              # 等额本息 / 先息后本
REPAYMENT_SOURCES = ("operator", "bank")
RISK_LOAN_OVERDUE = "loan_overdue"
RATE = r"^0(\.[0-9]{1,6})?$"


def _id(**kw):
    return fields.String(required=True, validate=validate.Length(min=1, max=64), **kw)


def _text(max_len=200, **kw):
    return fields.String(required=True, validate=validate.Length(min=1, max=max_len), **kw)


def _count(low=1, high=1000, **kw):
    return fields.Integer(strict=True, required=True, validate=validate.Range(min=low, max=high), **kw)


class MicrocreditRatingRecordedV1(EventData):
    rating_id = _id()
    grade = fields.String(required=True, validate=validate.OneOf(GRADES))
    credit_line_fen = Fen(required=True)
    rated_on = fields.Date(required=True)
    valid_until = fields.Date(required=True)


class MicrocreditLoanData(EventData):
    loan_id = _id()


class MicrocreditLoanAppliedV1(MicrocreditLoanData):
    principal_fen = Fen(required=True)
    term_months = _count(1, 120)
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    annual_rate = fields.String(required=True, validate=validate.Regexp(RATE))
    purpose = _text(200)
    bank = _text(100)
    applied_on = fields.Date(required=True)


class MicrocreditLoanApprovedV1(MicrocreditLoanData):
    principal_fen = Fen(required=True)
    approved_on = fields.Date(required=True)


class MicrocreditLoanRejectedV1(MicrocreditLoanData):
    rejected_on = fields.Date(required=True)
    reason = _text(500)


class MicrocreditLoanDisbursedV1(MicrocreditLoanData):
    principal_fen = Fen(required=True)
    term_months = _count(1, 120)
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    annual_rate = fields.String(required=True, validate=validate.Regexp(RATE))
    disbursed_on = fields.Date(required=True)
    first_due_on = fields.Date(required=True)
    maturity_on = fields.Date(required=True)
    instalment_fen = Fen(required=True)   # the first instalment (principal + interest)


class MicrocreditRepaymentRecordedV1(MicrocreditLoanData):
    repayment_id = _id()
    amount_fen = Fen(required=True)
    interest_fen = Fen(required=True)
    principal_fen = Fen(required=True)
    paid_on = fields.Date(required=True)
    source = fields.String(required=True, validate=validate.OneOf(REPAYMENT_SOURCES))
    partner = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    principal_left_fen = Fen(required=True)


class MicrocreditInterestSubsidizedV1(MicrocreditLoanData):
    instalment_no = _count(1, 1000)
    interest_fen = Fen(required=True)
    subsidy_fen = Fen(required=True)
    subsidy_share = fields.String(required=True, validate=validate.Regexp(r"^[01](\.[0-9]{1,6})?$"))
    paid_on = fields.Date(required=True)


class MicrocreditLoanOverdueV1(MicrocreditLoanData):
    checked_on = fields.Date(required=True)
    days_past_due = _count(1, 100_000)          # of the oldest overdue instalment
    overdue_instalments = _count(1, 1000)
    overdue_fen = Fen(required=True)             # principal and interest past due


class MicrocreditLoanExtendedV1(MicrocreditLoanData):
    extended_on = fields.Date(required=True)
    months = _count(1, 120)
    principal_fen = Fen(required=True)           # the principal scheduled again
    maturity_on = fields.Date(required=True)
    reason = _text(500)


class MicrocreditLoanWrittenOffV1(MicrocreditLoanData):
    written_off_on = fields.Date(required=True)
    principal_fen = Fen(required=True)           # drawn from the county fund
    interest_fen = Fen(required=True)            # interest left unpaid, not compensated
    county_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))
    reason = _text(500)


class MicrocreditLoanClosedV1(MicrocreditLoanData):
    closed_on = fields.Date(required=True)
    principal_fen = Fen(required=True)
    interest_paid_fen = Fen(required=True)
    subsidy_fen = Fen(required=True)


def _declare(name, schema, title_en, title_zh, **kw) -> EventType:
    return CATALOGUE.declare(EventType(type=f"cn.jingzhun.microcredit.{name}.v1", program="microcredit",
                                       schema=schema, title_en=title_en, title_zh=title_zh, **kw))


OUTSTANDING = "loans_outstanding_fen"

RATING_RECORDED = _declare(
    "rating.recorded", MicrocreditRatingRecordedV1,
    "Credit rating {grade:label}: credit line ¥{credit_line_fen:yuan} until {valid_until}",
    "评级授信：{grade:label}，授信额度 ¥{credit_line_fen:yuan}，有效期至{valid_until}", occurred_on="rated_on")
LOAN_APPLIED = _declare(
    "loan.applied", MicrocreditLoanAppliedV1,
    "Applied for a micro-credit loan of ¥{principal_fen:yuan} over {term_months} months: {purpose}",
    "申请扶贫小额信贷 ¥{principal_fen:yuan}，期限{term_months}个月：{purpose}", occurred_on="applied_on")
LOAN_APPROVED = _declare(
    "loan.approved", MicrocreditLoanApprovedV1,
    "Micro-credit loan of ¥{principal_fen:yuan} approved", "扶贫小额信贷 ¥{principal_fen:yuan} 审批通过",
    occurred_on="approved_on")
LOAN_REJECTED = _declare(
    "loan.rejected", MicrocreditLoanRejectedV1,
    "Micro-credit loan application rejected: {reason}", "扶贫小额信贷申请未获批准：{reason}", occurred_on="rejected_on")
LOAN_DISBURSED = _declare(
    "loan.disbursed", MicrocreditLoanDisbursedV1,
    "Micro-credit loan of ¥{principal_fen:yuan} disbursed ({method:label}, {term_months} months, due by {maturity_on})",
    "扶贫小额信贷 ¥{principal_fen:yuan} 已放款（{method:label}，{term_months}个月，{maturity_on}到期）",
    amount_field="principal_fen", summary_inc=((OUTSTANDING, "principal_fen", 1),),
    occurred_on="disbursed_on")
REPAYMENT_RECORDED = _declare(
    "repayment.recorded", MicrocreditRepaymentRecordedV1,
    "Loan repayment of ¥{amount_fen:yuan} (principal ¥{principal_fen:yuan}, interest ¥{interest_fen:yuan})",
    "偿还贷款 ¥{amount_fen:yuan}（本金 ¥{principal_fen:yuan}，利息 ¥{interest_fen:yuan}）",
    summary_inc=((OUTSTANDING, "principal_fen", -1),), occurred_on="paid_on")
INTEREST_SUBSIDIZED = _declare(
    "interest.subsidized", MicrocreditInterestSubsidizedV1,
    "Interest subsidy for instalment {instalment_no}: ¥{subsidy_fen:yuan}",
    "第{instalment_no}期财政贴息 ¥{subsidy_fen:yuan}",
    amount_field="subsidy_fen", occurred_on="paid_on")
LOAN_OVERDUE = _declare(
    "loan.overdue", MicrocreditLoanOverdueV1,
    "Micro-credit loan overdue {days_past_due} days: ¥{overdue_fen:yuan} past due",
    "扶贫小额信贷逾期{days_past_due}天：逾期 ¥{overdue_fen:yuan}",
    risk=RISK_LOAN_OVERDUE, occurred_on="checked_on")
LOAN_EXTENDED = _declare(
    "loan.extended", MicrocreditLoanExtendedV1,
    "Micro-credit loan extended by {months} months to {maturity_on}: {reason}",
    "扶贫小额信贷展期{months}个月至{maturity_on}：{reason}", occurred_on="extended_on")
LOAN_WRITTEN_OFF = _declare(
    "loan.written_off", MicrocreditLoanWrittenOffV1,
    "Micro-credit loan written off: ¥{principal_fen:yuan} compensated by the county risk fund ({reason})",
    "扶贫小额信贷核销：风险补偿金代偿 ¥{principal_fen:yuan}（{reason}）",
    summary_inc=((OUTSTANDING, "principal_fen", -1),), occurred_on="written_off_on")
LOAN_CLOSED = _declare(
    "loan.closed", MicrocreditLoanClosedV1,
    "Micro-credit loan of ¥{principal_fen:yuan} repaid in full",
    "扶贫小额信贷 ¥{principal_fen:yuan} 已全部还清", occurred_on="closed_on")

ENROLLED, ENROLMENT_ENDED = declare_enrolment("microcredit", "micro-credit", "扶贫小额信贷")
