"""Generation reports: request and response schemas."""
from marshmallow import Schema, fields, validate

from shared.events.types.common import Fen
from shared.events.types.photovoltaic import KINDS, SOURCES
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.photovoltaic.api.schemas.common import COUNTY_CODE, HistorySchema, Month


class ReportFigures(StrictSchema):
    kwh = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**9))
    tariff_fen_per_kwh = fields.Float(required=True, validate=validate.Range(min=0.01, max=1000),
                                      metadata={"description": "fen per kWh, e.g. 75.5"})
    revenue_fen = Fen(load_default=None, allow_none=True,
                      metadata={"description": "settled revenue in fen; kWh × tariff when omitted"})


class ReportCreateSchema(ReportFigures):
    installation_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    month = Month(required=True)
    source = fields.String(load_default="operator", validate=validate.OneOf(SOURCES))


class ReportCorrectSchema(ReportFigures):
    pass


class ReportSchema(Schema):
    id = fields.String(attribute="_id")
    installation_id = fields.String()
    installation_name = fields.String()
    kind = fields.String()
    county_code = fields.String()
    village_code = fields.String()
    month = fields.String()
    kwh = fields.Integer()
    tariff_fen_per_kwh = fields.Float()
    revenue_fen = fields.Integer()
    income_fen = fields.Integer(metadata={"description": "income to the owner (rooftop); 0 for a station"})
    source = fields.String()
    household_ids = fields.List(fields.String())
    recorded_by = fields.String()
    recorded_at = fields.DateTime()
    corrected_by = fields.String()
    events = fields.List(fields.Nested(HistorySchema))
    rev = fields.Integer()


class ReportQuerySchema(PageQuerySchema):
    installation_id = fields.String(validate=validate.Length(max=64))
    month = Month()
    source = fields.String(validate=validate.OneOf(SOURCES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    county_code = fields.String(validate=COUNTY_CODE)
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "installation name prefix"})


ReportPageSchema = page_schema(ReportSchema, "ReportPage")
