"""Request and response schemas of the sales API (sales, corrections, refunds)."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.types.common import Fen, HouseholdId
from shared.events.types.ecommerce import CHANNELS, PLATFORMS
from shared.programs.schemas import HistorySchema as KitHistorySchema
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.ecommerce.domain.sales import SALE_STATUSES, SOURCES, check_income, in_future
from shared.messages import N_

def County(**kw) -> fields.String:  # noqa: N802  (reads like a field class)
    return fields.String(validate=validate.Regexp(r"^[0-9]{6}$", error=N_("Not a county code.")), **kw)


def RecordId(**kw) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(min=1, max=64), **kw)


def Version() -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(min=1),
                          metadata={"description": "the version read; refused (409) if it changed since"})


class SaleCreateSchema(StrictSchema):
    household_id = HouseholdId()
    product = fields.String(required=True, validate=validate.Length(min=1, max=200))
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**9))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    amount_fen = Fen(required=True, metadata={"description": "sale amount in fen (1 yuan = 100 fen)"})
    income_fen = Fen(required=True, metadata={"description": "income attributed to the household, in fen: its share "
                                                             "(own store) or what an enterprise paid it"})
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    sold_on = fields.Date(required=True)
    store_id = RecordId(metadata={"description": "the store it sold through or the enterprise store that bought"})
    station_id = RecordId(metadata={"description": "the rural service station it went through"})
    note = fields.String(validate=validate.Length(max=500))
    partner = fields.String(validate=validate.OneOf(PLATFORMS),
                            metadata={"description": "the partner platform reporting the sale"})
    partner_ref = fields.String(validate=validate.Length(min=1, max=100),
                                metadata={"description": "the partner's own id of the sale: a repeated report is "
                                                         "recorded once (200 with the sale recorded first)"})

    @validates_schema
    def _income(self, data, **kwargs):
        problems = check_income(data.get("amount_fen", 0), data.get("income_fen", 0))
        if data.get("partner_ref") and not data.get("partner"):
            problems["partner"] = [N_("Name the partner platform whose reference this is.")]
        if in_future(data.get("sold_on")):
            problems["sold_on"] = [N_("A sale cannot be recorded before it happens.")]
        if problems:
            raise ValidationError(problems)


class SaleCorrectSchema(StrictSchema):
    """Only descriptive fields: money is put right with a refund and a new sale."""
    product = fields.String(validate=validate.Length(min=1, max=200))
    quantity = fields.Integer(strict=True, validate=validate.Range(min=1, max=10**9))
    unit = fields.String(validate=validate.Length(min=1, max=20))
    sold_on = fields.Date()
    version = Version()

    @validates_schema
    def _date(self, data, **kwargs):
        if in_future(data.get("sold_on")):
            raise ValidationError({"sold_on": [N_("A sale cannot be recorded before it happens.")]})


class RefundCreateSchema(StrictSchema):
    amount_fen = Fen(required=True, metadata={"description": "money returned to the buyer, in fen"})
    income_fen = Fen(metadata={"description": "income taken back from the household, in fen; by default its share "
                                              "of what remains of the sale"})
    refunded_on = fields.Date(load_default=date.today)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    partner_ref = fields.String(validate=validate.Length(min=1, max=100),
                                metadata={"description": "the partner's own id of the refund: a repeated report is "
                                                         "recorded once (200 with the sale as it is)"})

    @validates_schema
    def _date(self, data, **kwargs):
        if in_future(data.get("refunded_on")):
            raise ValidationError({"refunded_on": [N_("A refund cannot be recorded before it happens.")]})


class RefundSchema(Schema):
    refund_id = fields.String()
    partner_ref = fields.String()
    amount_fen = fields.Integer()
    income_fen = fields.Integer()
    refunded_on = fields.String()
    reason = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.String()


class HistorySchema(KitHistorySchema):
    """The kit's entry, its households under ``households``: the name e-commerce's API has
    always given them (domain/records.py)."""
    households = fields.List(fields.String())

    class Meta:
        exclude = ("household_ids",)


class SaleSchema(Schema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    head_name = fields.String()
    village = fields.String()
    county_code = fields.String()
    product = fields.String()
    quantity = fields.Integer()
    unit = fields.String()
    amount_fen = fields.Integer()
    income_fen = fields.Integer()
    channel = fields.String()
    sold_on = fields.String()
    store_id = fields.String()
    station_id = fields.String()
    note = fields.String()
    source = fields.String()
    partner = fields.String()
    partner_ref = fields.String()
    status = fields.String()
    refunded_amount_fen = fields.Integer()
    refunded_income_fen = fields.Integer()
    refunds = fields.List(fields.Nested(RefundSchema))
    recorded_by = fields.String()
    recorded_at = fields.DateTime()
    version = fields.Integer()
    events = fields.List(fields.Nested(HistorySchema))


class SaleFilterSchema(StrictSchema):
    household_id = HouseholdId(required=False)
    county = County()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    status = fields.String(validate=validate.OneOf(SALE_STATUSES))
    source = fields.String(validate=validate.OneOf(SOURCES))
    store_id = RecordId()
    station_id = RecordId()
    sold_from = fields.Date()
    sold_to = fields.Date()
    q = fields.String(validate=validate.Length(max=50), metadata={"description": "part of the product name"})


class SaleQuerySchema(PageQuerySchema, SaleFilterSchema):
    pass


class SaleExportQuerySchema(SaleFilterSchema):
    limit = fields.Integer(load_default=10_000, validate=validate.Range(min=1, max=100_000))


SalePageSchema = page_schema(SaleSchema, "SalePage")
