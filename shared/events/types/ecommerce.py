"""E-commerce (电商扶贫) event types.

Every event is about one household (its subject): a sale and its refunds, the household's
own online store, a cooperative's or enterprise's commitment to buy from it, and its
members' attendance at training in online selling. Service stations and training sessions
concern no household by themselves and publish nothing (see services/ecommerce/domain)."""
from marshmallow import fields, validate, validates_schema, ValidationError

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.types.common import EventData, Fen, declare_enrolment

CHANNELS = ("own_store", "enterprise_purchase", "partner_platform")
# Who opened the store: the household itself, or a cooperative / enterprise that commits to
# buy from named poor households (带贫企业).
STORE_KINDS = ("household", "cooperative", "enterprise")
PLATFORMS = ("taobao", "jd", "pinduoduo", "wechat", "douyin", "other")
# Leaving a store or a purchase commitment stops the household's e-commerce income: the same
# return-to-poverty signal as leaving the program.
INCOME_STOPPED = "program_income_stopped"


def _id(max_length: int = 64) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length))


def _text(max_length: int) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length))


class SaleRecordedV1(EventData):
    sale_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    product = fields.String(required=True, validate=validate.Length(min=1, max=200))
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**9))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    amount_fen = Fen(required=True)
    income_fen = Fen(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    sold_on = fields.Date(required=True)

    @validates_schema
    def income_within_amount(self, data, **kwargs):
        if data.get("income_fen", 0) > data.get("amount_fen", 0):
            raise ValidationError("income to the household cannot exceed the sale amount", "income_fen")


SALE_RECORDED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.sale.recorded.v1",
    program="ecommerce",
    schema=SaleRecordedV1,
    title_en="Sale recorded: {quantity} {unit} of {product}, income ¥{income_fen:yuan}",
    title_zh="记录销售：{product} {quantity}{unit}，增收 ¥{income_fen:yuan}",
    income_field="income_fen",
    amount_field="amount_fen",
    occurred_on="sold_on",
))


class EcommerceSaleRefundedV1(EventData):
    """Money given back to the buyer and the income it takes back from the household: both
    positive here; the catalogue's sign=-1 makes the registry subtract them."""
    sale_id = _id()
    refund_id = _id(80)
    product = _text(200)
    amount_fen = Fen(required=True)
    income_fen = Fen(required=True)
    refunded_on = fields.Date(required=True)
    reason = _text(500)
    fully_refunded = fields.Boolean(required=True)

    @validates_schema
    def money(self, data, **kwargs):
        if data.get("amount_fen", 1) < 1:
            raise ValidationError("a refund gives back at least 1 fen", "amount_fen")
        if data.get("income_fen", 0) > data.get("amount_fen", 0):
            raise ValidationError("the income taken back cannot exceed the refund", "income_fen")


SALE_REFUNDED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.sale.refunded.v1",
    program="ecommerce",
    schema=EcommerceSaleRefundedV1,
    title_en="Refund for {product}: ¥{amount_fen:yuan} returned to the buyer, income −¥{income_fen:yuan}",
    title_zh="销售退款：{product} 退款 ¥{amount_fen:yuan}，减收 ¥{income_fen:yuan}",
    income_field="income_fen",
    amount_field="amount_fen",
    sign=-1,
    occurred_on="refunded_on",
))


class EcommerceSaleCorrectedV1(EventData):
    """Descriptive fields put right; money is never edited (a refund reverses it)."""
    sale_id = _id()
    product = _text(200)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**9))
    unit = _text(20)
    sold_on = fields.Date(required=True)
    changed = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True,
                          validate=validate.Length(min=1, max=10))


SALE_CORRECTED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.sale.corrected.v1",
    program="ecommerce",
    schema=EcommerceSaleCorrectedV1,
    title_en="Sale corrected: {quantity} {unit} of {product}, sold on {sold_on}",
    title_zh="更正销售：{product} {quantity}{unit}，销售日期 {sold_on}",
))


class EcommerceStoreOpenedV1(EventData):
    """The household's own online store."""
    store_id = _id()
    store_name = _text(200)
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    opened_on = fields.Date(required=True)


STORE_OPENED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.store.opened.v1",
    program="ecommerce",
    schema=EcommerceStoreOpenedV1,
    title_en="Opened an online store: {store_name} on {platform:label}",
    title_zh="开设网店：{store_name}（{platform:label}）",
    occurred_on="opened_on",
))


class EcommerceStoreUpdatedV1(EventData):
    store_id = _id()
    store_name = _text(200)
    kind = fields.String(required=True, validate=validate.OneOf(STORE_KINDS))
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    changed = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True,
                          validate=validate.Length(min=1, max=10))


STORE_UPDATED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.store.updated.v1",
    program="ecommerce",
    schema=EcommerceStoreUpdatedV1,
    title_en="Online store details updated: {store_name} on {platform:label}",
    title_zh="网店信息更新：{store_name}（{platform:label}）",
))


class EcommerceStoreClosedV1(EventData):
    store_id = _id()
    store_name = _text(200)
    kind = fields.String(required=True, validate=validate.OneOf(STORE_KINDS))
    closed_on = fields.Date(required=True)
    reason = _text(500)


STORE_CLOSED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.store.closed.v1",
    program="ecommerce",
    schema=EcommerceStoreClosedV1,
    title_en="Online store {store_name} closed: {reason}",
    title_zh="网店 {store_name} 关闭：{reason}",
    risk=INCOME_STOPPED,
    occurred_on="closed_on",
))


class EcommerceCommitmentStartedV1(EventData):
    """A cooperative or enterprise store commits to buy from this household."""
    store_id = _id()
    store_name = _text(200)
    kind = fields.String(required=True, validate=validate.OneOf(STORE_KINDS[1:]))
    owner_name = _text(200)
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    since = fields.Date(required=True)


COMMITMENT_STARTED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.commitment.started.v1",
    program="ecommerce",
    schema=EcommerceCommitmentStartedV1,
    title_en="{owner_name} ({kind:label}) commits to buy the household's products (store {store_name})",
    title_zh="{owner_name}（{kind:label}）承诺收购本户产品（网店 {store_name}）",
    occurred_on="since",
))


class EcommerceCommitmentEndedV1(EventData):
    store_id = _id()
    store_name = _text(200)
    kind = fields.String(required=True, validate=validate.OneOf(STORE_KINDS[1:]))
    owner_name = _text(200)
    ended_on = fields.Date(required=True)
    reason = _text(500)


COMMITMENT_ENDED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.commitment.ended.v1",
    program="ecommerce",
    schema=EcommerceCommitmentEndedV1,
    title_en="{owner_name} no longer buys the household's products: {reason}",
    title_zh="{owner_name}不再收购本户产品：{reason}",
    risk=INCOME_STOPPED,
    occurred_on="ended_on",
))


class EcommerceTrainingAttendedV1(EventData):
    session_id = _id()
    topic = _text(200)
    trainer = _text(100)
    held_on = fields.Date(required=True)
    village = _text(100)
    members = fields.List(fields.String(validate=validate.Length(min=1, max=50)), required=True,
                          validate=validate.Length(min=1, max=20))
    attendees = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=20))

    @validates_schema
    def count(self, data, **kwargs):
        if "members" in data and "attendees" in data and data["attendees"] != len(data["members"]):
            raise ValidationError("attendees must be the number of members named", "attendees")


TRAINING_ATTENDED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.training.attended.v1",
    program="ecommerce",
    schema=EcommerceTrainingAttendedV1,
    title_en="Training in online selling: {topic} ({held_on}), {attendees} member(s) attended",
    title_zh="参加电商培训：{topic}（{held_on}），{attendees} 人参加",
    occurred_on="held_on",
))


class EcommerceTrainingCorrectedV1(EventData):
    session_id = _id()
    topic = _text(200)
    trainer = _text(100)
    held_on = fields.Date(required=True)
    village = _text(100)
    changed = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True,
                          validate=validate.Length(min=1, max=10))


TRAINING_CORRECTED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.ecommerce.training.corrected.v1",
    program="ecommerce",
    schema=EcommerceTrainingCorrectedV1,
    title_en="Training details corrected: {topic} ({held_on}), trainer {trainer}",
    title_zh="更正培训信息：{topic}（{held_on}），培训师 {trainer}",
))

ENROLLED, ENROLMENT_ENDED = declare_enrolment("ecommerce", "e-commerce", "电商扶贫")
