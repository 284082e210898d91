"""Tourism (乡村旅游扶贫) event types: homestays and their bookings, jobs in scenic areas and
their wages, village tourism cooperatives and their dividends.

Every event's subject is the household it concerns. Money is in fen; a cancellation carries
the booking's amounts as they were and declares ``sign=-1``, so the registry's totals go
down by exactly what the booking added. Schema names start with the program: the AsyncAPI
document names its schemas after the classes, across every program."""
from marshmallow import ValidationError, fields, validate, validates_schema

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.types.common import EventData, Fen, declare_enrolment

HOMESTAY_KINDS = ("homestay", "farm_stay")
BOOKING_CHANNELS = ("walk_in", "online_platform", "travel_agency")
INSPECTION_RESULTS = ("passed", "failed")
# A month ("2026-10"), a quarter ("2026-Q3") or a year ("2026") of a dividend run.
PERIOD_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def _id(max_len: int = 64):
    return fields.String(required=True, validate=validate.Length(min=1, max=max_len))


def _text(max_len: int = 100, **kw):
    return fields.String(required=True, validate=validate.Length(min=1, max=max_len), **kw)


def _count(high: int):
    return fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=high))


# --- homestays -------------------------------------------------------------------------
class TourismHomestayV1(EventData):
    homestay_id = _id()
    name = _text()
    kind = fields.String(required=True, validate=validate.OneOf(HOMESTAY_KINDS))
    rooms = _count(100)
    beds = _count(500)
    safety_inspected_on = fields.Date(allow_none=True, load_default=None)


class TourismHomestayInspectedV1(EventData):
    homestay_id = _id()
    name = _text()
    inspected_on = fields.Date(required=True)
    result = fields.String(required=True, validate=validate.OneOf(INSPECTION_RESULTS))
    note = fields.String(load_default="", validate=validate.Length(max=500))


# --- bookings ----------------------------------------------------------------------------
class TourismBookingV1(EventData):
    booking_id = _id()
    homestay_id = _id()
    homestay_name = _text()
    check_in = fields.Date(required=True)
    check_out = fields.Date(required=True)
    nights = _count(366)
    guests = _count(1000)
    channel = fields.String(required=True, validate=validate.OneOf(BOOKING_CHANNELS))
    amount_fen = Fen(required=True)
    income_fen = Fen(required=True)

    @validates_schema
    def _money(self, data, **kwargs):
        if data.get("income_fen", 0) > data.get("amount_fen", 0):
            raise ValidationError("income to the household cannot exceed the booking amount", "income_fen")


class TourismBookingCancelledV1(EventData):
    booking_id = _id()
    homestay_id = _id()
    homestay_name = _text()
    check_in = fields.Date(required=True)
    cancelled_on = fields.Date(required=True)
    reason = _text(500)
    # The booking's amounts as recorded; the event type's sign (-1) reverses them.
    amount_fen = Fen(required=True)
    income_fen = Fen(required=True)


# --- jobs in scenic areas ----------------------------------------------------------------
class TourismJobV1(EventData):
    job_id = _id()
    member_name = _text()
    scenic_area = _text(200)
    position = _text()
    started_on = fields.Date(required=True)
    monthly_wage_fen = Fen(required=True)


class TourismJobEndedV1(EventData):
    job_id = _id()
    member_name = _text()
    scenic_area = _text(200)
    ended_on = fields.Date(required=True)
    reason = _text(500)


class TourismWagePaidV1(EventData):
    payment_id = _id(80)
    job_id = _id()
    member_name = _text()
    scenic_area = _text(200)
    month = fields.String(required=True, validate=validate.Regexp(MONTH_PATTERN))
    paid_on = fields.Date(required=True)
    income_fen = Fen(required=True)


# --- cooperatives --------------------------------------------------------------------------
class TourismMembershipV1(EventData):
    cooperative_id = _id()
    cooperative_name = _text(200)
    shares = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**6))
    shares_before = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**6))
    effective_on = fields.Date(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class TourismDividendPaidV1(EventData):
    run_id = _id(80)
    cooperative_id = _id()
    cooperative_name = _text(200)
    period = fields.String(required=True, validate=validate.Regexp(PERIOD_PATTERN))
    shares = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**6))
    total_shares = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**9))
    run_amount_fen = Fen(required=True)
    paid_on = fields.Date(required=True)
    income_fen = Fen(required=True)


def _declare(name: str, schema, title_en: str, title_zh: str, **kw) -> EventType:
    return CATALOGUE.declare(EventType(type=f"cn.jingzhun.tourism.{name}.v1", program="tourism", schema=schema,
                                       title_en=title_en, title_zh=title_zh, **kw))


HOMESTAY_REGISTERED = _declare(
    "homestay.registered", TourismHomestayV1,
    "{kind:label} registered: {name} ({rooms} rooms, {beds} beds)", "登记{kind:label}：{name}（{rooms}间房，{beds}张床）")
HOMESTAY_UPDATED = _declare(
    "homestay.updated", TourismHomestayV1,
    "{kind:label} {name} updated: {rooms} rooms, {beds} beds", "{kind:label}{name}信息更新：{rooms}间房，{beds}张床")
HOMESTAY_INSPECTED = _declare(
    "homestay.inspected", TourismHomestayInspectedV1,
    "Safety inspection of {name}: {result:label}", "{name}安全检查：{result:label}", occurred_on="inspected_on")
BOOKING_RECORDED = _declare(
    "booking.recorded", TourismBookingV1,
    "Booking at {homestay_name}: {nights}-night stay for {guests}, income ¥{income_fen:yuan}",
    "民宿预订：{homestay_name} {guests}人{nights}晚，增收 ¥{income_fen:yuan}",
    income_field="income_fen", amount_field="amount_fen", occurred_on="check_in")
BOOKING_CANCELLED = _declare(
    "booking.cancelled", TourismBookingCancelledV1,
    "Booking at {homestay_name} cancelled ({reason}): income −¥{income_fen:yuan}",
    "民宿预订取消：{homestay_name}（{reason}），冲减收入 ¥{income_fen:yuan}",
    income_field="income_fen", amount_field="amount_fen", sign=-1, occurred_on="cancelled_on")
JOB_STARTED = _declare(
    "job.started", TourismJobV1,
    "{member_name} started as {position} at {scenic_area}, ¥{monthly_wage_fen:yuan} a month",
    "{member_name}在{scenic_area}就业（{position}），月薪 ¥{monthly_wage_fen:yuan}", occurred_on="started_on")
JOB_UPDATED = _declare(
    "job.updated", TourismJobV1,
    "Job of {member_name} at {scenic_area} updated: {position}, ¥{monthly_wage_fen:yuan} a month",
    "{member_name}在{scenic_area}的岗位变更：{position}，月薪 ¥{monthly_wage_fen:yuan}")
# A job that ends stops a wage: a return-to-poverty risk signal for an exited household.
JOB_ENDED = _declare(
    "job.ended", TourismJobEndedV1,
    "Job of {member_name} at {scenic_area} ended: {reason}", "{member_name}在{scenic_area}的工作结束：{reason}",
    risk="job_ended", occurred_on="ended_on")
WAGE_PAID = _declare(
    "wage.paid", TourismWagePaidV1,
    "Wage for {month} paid to {member_name} ({scenic_area}): ¥{income_fen:yuan}",
    "{member_name}{month}工资（{scenic_area}）：¥{income_fen:yuan}",
    income_field="income_fen", amount_field="income_fen", occurred_on="paid_on")
MEMBER_JOINED = _declare(
    "cooperative.member_joined", TourismMembershipV1,
    "Joined the tourism cooperative {cooperative_name}, shares: {shares}",
    "加入乡村旅游合作社{cooperative_name}，持股{shares}股", occurred_on="effective_on")
SHARES_CHANGED = _declare(
    "cooperative.shares_changed", TourismMembershipV1,
    "Shares in {cooperative_name}: {shares_before} → {shares}", "{cooperative_name}持股变更：{shares_before} → {shares}股",
    occurred_on="effective_on")
MEMBER_LEFT = _declare(
    "cooperative.member_left", TourismMembershipV1,
    "Left the tourism cooperative {cooperative_name}: {reason}", "退出乡村旅游合作社{cooperative_name}：{reason}",
    occurred_on="effective_on")
DIVIDEND_PAID = _declare(
    "dividend.paid", TourismDividendPaidV1,
    "Dividend of {cooperative_name} for {period}: ¥{income_fen:yuan} ({shares}/{total_shares} shares)",
    "{cooperative_name}{period}分红：¥{income_fen:yuan}（{shares}/{total_shares}股）",
    income_field="income_fen", amount_field="income_fen", occurred_on="paid_on")

ENROLLED, ENROLMENT_ENDED = declare_enrolment("tourism", "rural tourism", "乡村旅游扶贫")
