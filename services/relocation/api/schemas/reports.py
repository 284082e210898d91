"""The relocation report: request and response schemas."""
from marshmallow import Schema, ValidationError, fields, validates_schema

from shared.web.schemas import StrictSchema
from services.relocation.api.schemas.common import COUNTY_CODE, Month


class ReportQuerySchema(StrictSchema):
    start = Month(data_key="from", metadata={"description": "first month, YYYY-MM (default: 11 months ago)"})
    end = Month(data_key="to", metadata={"description": "last month, YYYY-MM (default: this month)"})
    county_code = fields.String(validate=COUNTY_CODE)

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("The first month comes after the last.", "from")
        if data.get("start") and data.get("end") and int(data["end"][:4]) - int(data["start"][:4]) > 10:
            raise ValidationError("A report covers at most ten years.", "to")


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
