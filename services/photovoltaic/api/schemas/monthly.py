"""The monthly report: request and response schemas."""
from marshmallow import Schema, fields

from shared.programs.schemas import PeriodQuerySchema


class MonthlyQuerySchema(PeriodQuerySchema):
    """?from=YYYY-MM&to=YYYY-MM&county_code="""


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
