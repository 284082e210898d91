"""Report schemas."""
from marshmallow import Schema, fields

from shared.programs.schemas import PeriodQuerySchema


class ReportQuerySchema(PeriodQuerySchema):
    """?from=YYYY-MM&to=YYYY-MM&county_code="""


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
