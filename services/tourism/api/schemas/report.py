"""Report schemas."""
from marshmallow import Schema, ValidationError, fields, validates_schema

from shared.web.schemas import StrictSchema
from services.tourism.api.schemas.common import CountyCode, Month
from services.tourism.domain.report import range_problems


class ReportQuerySchema(StrictSchema):
    first = Month(data_key="from", metadata={"description": "first month (default: 11 months ago)"})
    last = Month(data_key="to", metadata={"description": "last month (default: this month)"})
    county_code = CountyCode()

    @validates_schema(skip_on_field_errors=False)
    def _range(self, data, **kwargs):
        problems = range_problems(data.get("first"), data.get("last"))
        if problems:
            raise ValidationError(problems)


class ReportRowSchema(Schema):
    month = fields.String()
    county_code = fields.String()
    bookings = fields.Integer()
    nights = fields.Integer()
    booking_income_fen = fields.Integer()
    wage_income_fen = fields.Integer()
    dividend_income_fen = fields.Integer()
    income_fen = fields.Integer(metadata={"description": "bookings + wages + dividends"})


class ReportTotalsSchema(Schema):
    bookings = fields.Integer()
    nights = fields.Integer()
    booking_income_fen = fields.Integer()
    wage_income_fen = fields.Integer()
    dividend_income_fen = fields.Integer()
    income_fen = fields.Integer()


class ReportSchema(Schema):
    first = fields.String(data_key="from")
    last = fields.String(data_key="to")
    rows = fields.List(fields.Nested(ReportRowSchema))
    totals = fields.Nested(ReportTotalsSchema)
