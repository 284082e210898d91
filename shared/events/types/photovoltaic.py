"""Photovoltaic (光伏扶贫) event types.

Every event is about one household (the Kafka key): a change to a village station is
published once for each household it concerns — the owner of a rooftop system, the
members of a station — in the one document that records the change."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.types.common import EventData, Fen, declare_enrolment

KINDS = ("rooftop", "station")                     # 户用光伏 / 村级光伏电站
SOURCES = ("operator", "power_company")            # who entered a generation report
MODES = ("dividends", "wages")                     # how a station's month is distributed
FAULT_CAUSES = ("inverter", "panel_damage", "grid_outage", "line_fault", "theft", "disaster", "other")
RISK_STATION_DOWN = "pv_station_down"

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def _id(**kw):
    return fields.String(required=True, validate=validate.Length(min=1, max=64), **kw)


def _text(max_len=200, **kw):
    return fields.String(required=True, validate=validate.Length(min=1, max=max_len), **kw)


class PvInstallationData(EventData):
    installation_id = _id()
    installation_name = _text()
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class PvInstallationRegisteredV1(PvInstallationData):
    capacity_kw = fields.Float(required=True, validate=validate.Range(min=0, max=1_000_000))
    commissioned_on = fields.Date(required=True)
    village_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{12}$"))


class PvChange(Schema):
    class Meta:
        unknown = RAISE

    field = fields.String(required=True)
    old = fields.String(required=True, allow_none=True)
    new = fields.String(required=True, allow_none=True)


class PvInstallationUpdatedV1(PvInstallationData):
    changes = fields.List(fields.Nested(PvChange), required=True, validate=validate.Length(min=1))


class PvJoinedV1(PvInstallationData):
    shares = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10_000))
    joined_on = fields.Date(required=True)


class PvSharesChangedV1(PvInstallationData):
    old_shares = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10_000))
    shares = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10_000))


class PvLeftV1(PvInstallationData):
    left_on = fields.Date(required=True)
    reason = _text(500)


class PvPostData(PvInstallationData):
    post_id = _id()
    post = _text(100)
    member_name = _text(100)
    monthly_wage_fen = Fen(required=True)


class PvPostAssignedV1(PvPostData):
    since = fields.Date(required=True)


class PvPostEndedV1(PvPostData):
    ended_on = fields.Date(required=True)
    reason = _text(500)


class PvGenerationData(PvInstallationData):
    report_id = _id()
    month = fields.String(required=True, validate=validate.Regexp(MONTH))
    kwh = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**9))
    tariff_fen_per_kwh = fields.Float(required=True, validate=validate.Range(min=0, max=1000))
    revenue_fen = Fen(required=True)


class PvGenerationReportedV1(PvGenerationData):
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    # The owner of a rooftop system earns its revenue; a station's members earn through
    # distributions, so their copy of the report carries 0.
    income_fen = Fen(required=True)

    @validates_schema
    def income_within_revenue(self, data, **kwargs):
        if data.get("income_fen", 0) > data.get("revenue_fen", 0):
            raise ValidationError("income to the household cannot exceed the revenue", "income_fen")


class PvGenerationCorrectedV1(PvGenerationData):
    previous_revenue_fen = Fen(required=True)
    # Signed: a correction may lower the owner's income (0 for station members).
    income_change_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=-10**12, max=10**12))


class PvDistributionData(PvInstallationData):
    distribution_id = _id()
    month = fields.String(required=True, validate=validate.Regexp(MONTH))
    amount_fen = Fen(required=True)


class PvDividendPaidV1(PvDistributionData):
    shares = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))
    total_shares = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))
    station_revenue_fen = Fen(required=True)


class PvWagePaidV1(PvDistributionData):
    post_id = _id()
    post = _text(100)
    member_name = _text(100)


class PvFaultData(PvInstallationData):
    fault_id = _id()
    down_since = fields.Date(required=True)


class PvFaultReportedV1(PvFaultData):
    cause = fields.String(required=True, validate=validate.OneOf(FAULT_CAUSES))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class PvFaultRestoredV1(PvFaultData):
    restored_on = fields.Date(required=True)
    days_down = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))


class PvDownTooLongV1(PvFaultData):
    days_down = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))
    threshold_days = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))
    checked_on = fields.Date(required=True)


def _declare(name, schema, title_en, title_zh, **kw) -> EventType:
    return CATALOGUE.declare(EventType(type=f"cn.jingzhun.photovoltaic.{name}.v1", program="photovoltaic",
                                       schema=schema, title_en=title_en, title_zh=title_zh, **kw))


INSTALLATION_REGISTERED = _declare(
    "installation.registered", PvInstallationRegisteredV1,
    "PV installation {installation_name} ({kind:label}) registered: {capacity_kw:g} kW, commissioned {commissioned_on}",
    "光伏设施{installation_name}（{kind:label}）建档：{capacity_kw:g}千瓦，{commissioned_on}并网",
    occurred_on="commissioned_on")
INSTALLATION_UPDATED = _declare(
    "installation.updated", PvInstallationUpdatedV1,
    "PV installation {installation_name} corrected", "光伏设施{installation_name}信息更正")
JOINED = _declare(
    "station.joined", PvJoinedV1,
    "Joined village PV station {installation_name} with {shares} shares",
    "加入村级光伏电站{installation_name}，持{shares}股", occurred_on="joined_on")
SHARES_CHANGED = _declare(
    "station.shares_changed", PvSharesChangedV1,
    "Shares in village PV station {installation_name}: {old_shares} → {shares}",
    "村级光伏电站{installation_name}股份：{old_shares} → {shares}")
LEFT = _declare(
    "station.left", PvLeftV1,
    "Left village PV station {installation_name}: {reason}", "退出村级光伏电站{installation_name}：{reason}",
    occurred_on="left_on")
POST_ASSIGNED = _declare(
    "post.assigned", PvPostAssignedV1,
    "Public-welfare post at {installation_name} for {member_name}: {post}, ¥{monthly_wage_fen:yuan} a month",
    "{member_name}担任{installation_name}公益岗位：{post}，月工资 ¥{monthly_wage_fen:yuan}", occurred_on="since")
POST_ENDED = _declare(
    "post.ended", PvPostEndedV1,
    "Public-welfare post {post} of {member_name} ended: {reason}",
    "{member_name}的公益岗位{post}结束：{reason}", occurred_on="ended_on")
GENERATION_REPORTED = _declare(
    "generation.reported", PvGenerationReportedV1,
    "PV generation {month} at {installation_name}: {kwh} kWh, revenue ¥{revenue_fen:yuan}",
    "{installation_name}{month}发电{kwh}千瓦时，收益 ¥{revenue_fen:yuan}",
    income_field="income_fen", amount_field="income_fen", occurred_on="month")
GENERATION_CORRECTED = _declare(
    "generation.corrected", PvGenerationCorrectedV1,
    "PV generation {month} at {installation_name} corrected: {kwh} kWh, revenue ¥{revenue_fen:yuan}",
    "{installation_name}{month}发电量更正：{kwh}千瓦时，收益 ¥{revenue_fen:yuan}",
    income_field="income_change_fen", amount_field="income_change_fen")
DIVIDEND_PAID = _declare(
    "distribution.dividend_paid", PvDividendPaidV1,
    "PV dividend from {installation_name} for {month}: ¥{amount_fen:yuan} ({shares} of {total_shares} shares)",
    "{installation_name}{month}光伏收益分红 ¥{amount_fen:yuan}（{shares}/{total_shares}股）",
    income_field="amount_fen", amount_field="amount_fen", occurred_on="month")
WAGE_PAID = _declare(
    "distribution.wage_paid", PvWagePaidV1,
    "Public-welfare post wage for {month} ({post}, {member_name}): ¥{amount_fen:yuan}",
    "{month}公益岗位工资（{post}，{member_name}）¥{amount_fen:yuan}",
    income_field="amount_fen", amount_field="amount_fen", occurred_on="month")
FAULT_REPORTED = _declare(
    "fault.reported", PvFaultReportedV1,
    "PV installation {installation_name} down since {down_since}: {cause:label}",
    "光伏设施{installation_name}自{down_since}起停运：{cause:label}", occurred_on="down_since")
FAULT_RESTORED = _declare(
    "fault.restored", PvFaultRestoredV1,
    "PV installation {installation_name} restored on {restored_on} after {days_down} days down",
    "光伏设施{installation_name}于{restored_on}恢复发电，停运{days_down}天", occurred_on="restored_on")
DOWN_TOO_LONG = _declare(
    "fault.down_too_long", PvDownTooLongV1,
    "PV installation {installation_name} down {days_down} days since {down_since}: its income is at risk",
    "光伏设施{installation_name}自{down_since}起停运{days_down}天，收益中断",
    risk=RISK_STATION_DOWN, occurred_on="checked_on")

ENROLLED, ENROLMENT_ENDED = declare_enrolment("photovoltaic", "photovoltaic poverty alleviation", "光伏扶贫")
