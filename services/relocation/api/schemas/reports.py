"""The relocation report: request and response schemas."""
from marshmallow import Schema, fields

from shared.programs.schemas import PeriodQuerySchema


class ReportQuerySchema(PeriodQuerySchema):
    """?from=YYYY-MM&to=YYYY-MM&county_code="""


class RelocatedRowSchema(Schema):
    month = fields.String()
    site_id = fields.String()
    site_name = fields.String()
    households = fields.Integer()
    people = fields.Integer()


class SiteOccupancySchema(Schema):
    site_id = fields.String()
    name = fields.String()
    kind = fields.String()
    village = fields.String()
    capacity_households = fields.Integer()
    capacity_m2 = fields.Integer()
    households = fields.Integer(metadata={"description": "households allocated housing at the site"})
    m2 = fields.Integer(metadata={"description": "m² allocated"})
    households_percent = fields.Float()
    m2_percent = fields.Float()
    relocated = fields.Integer(metadata={"description": "households moved in"})
    employed = fields.Integer(metadata={"description": "of those, households with a member employed"})
    employment_rate = fields.Float(metadata={"description": "percent"})


class ReportTotalSchema(Schema):
    households = fields.Integer()
    people = fields.Integer()
    relocated = fields.Integer()
    employed = fields.Integer()
    employment_rate = fields.Float()


class ReportSchema(Schema):
    start = fields.String(data_key="from")
    end = fields.String(data_key="to")
    rows = fields.List(fields.Nested(RelocatedRowSchema), metadata={"description": "moved in, by month and site"})
    months = fields.List(fields.Nested(RelocatedRowSchema), metadata={"description": "moved in, by month"})
    sites = fields.List(fields.Nested(SiteOccupancySchema))
    total = fields.Nested(ReportTotalSchema)
