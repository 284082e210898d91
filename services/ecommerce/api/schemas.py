"""Request and response schemas of the e-commerce API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.types.common import Fen, HouseholdId
from shared.events.types.ecommerce import CHANNELS
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.ecommerce.domain.sales import check_income


class SaleCreateSchema(StrictSchema):
    household_id = HouseholdId()
    product = fields.String(required=True, validate=validate.Length(min=1, max=200))
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**9))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    amount_fen = Fen(required=True, metadata={"description": "sale amount in fen (1 yuan = 100 fen)"})
    income_fen = Fen(required=True, metadata={"description": "income attributed to the household, in fen"})
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    sold_on = fields.Date(required=True)

    @validates_schema
    def _income(self, data, **kwargs):
        problems = check_income(data.get("amount_fen", 0), data.get("income_fen", 0))
        if problems:
            raise ValidationError(problems)


class SaleSchema(Schema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    product = fields.String()
    quantity = fields.Integer()
    unit = fields.String()
    amount_fen = fields.Integer()
    income_fen = fields.Integer()
    channel = fields.String()
    sold_on = fields.String()
    status = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class SaleQuerySchema(PageQuerySchema):
    household_id = HouseholdId(required=False)


SalePageSchema = page_schema(SaleSchema, "SalePage")
