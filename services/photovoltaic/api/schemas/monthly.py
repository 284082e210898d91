"""The monthly report: request and response schemas."""
from marshmallow import Schema, ValidationError, fields, validates_schema

from shared.web.schemas import StrictSchema
from services.photovoltaic.api.schemas.common import COUNTY_CODE, Month


class MonthlyQuerySchema(StrictSchema):
    start = Month(data_key="from", metadata={"description": "first month, YYYY-MM (default: 11 months ago)"})
    end = Month(data_key="to", metadata={"description": "last month, YYYY-MM (default: this month)"})
    county_code = fields.String(validate=COUNTY_CODE)

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("The first month comes after the last.", "from")
        if data.get("start") and data.get("end") and int(data["end"][:4]) - int(data["start"][:4]) > 10:
            raise ValidationError("A report covers at most ten years.", "to")


class MonthlyRowSchema(Schema):
    month = fields.String()
    county_code = fields.String()
    reports = fields.Integer()
    kwh = fields.Integer()
    revenue_fen = fields.Integer()
    rooftop_income_fen = fields.Integer()
    dividends_fen = fields.Integer()
    wages_fen = fields.Integer()
    distributed_fen = fields.Integer()
    income_to_households_fen = fields.Integer()


class MonthlySchema(Schema):
    start = fields.String(data_key="from")
    end = fields.String(data_key="to")
    rows = fields.List(fields.Nested(MonthlyRowSchema))
    months = fields.List(fields.Nested(MonthlyRowSchema), metadata={"description": "every month summed over counties"})
    total = fields.Nested(MonthlyRowSchema)
