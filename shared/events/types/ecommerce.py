"""E-commerce (电商扶贫) event types."""
from marshmallow import fields, validate, validates_schema, ValidationError

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.types.common import EventData, Fen, declare_enrolment

CHANNELS = ("own_store", "enterprise_purchase", "partner_platform")


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
))

ENROLLED, ENROLMENT_ENDED = declare_enrolment("ecommerce", "e-commerce", "电商扶贫")
