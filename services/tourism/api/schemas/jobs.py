"""Job and wage schemas."""
from marshmallow import Schema, fields, validate

from shared.events.types.common import HouseholdId
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.tourism.api.schemas.common import (Changed, CountyCode, EditSchema, Month, PositiveFen,
                                                 RecordSchema, Text, Today)


class JobCreateSchema(StrictSchema):
    household_id = HouseholdId()
    member_name = Text(100, metadata={"description": "the household member who holds the job"})
    scenic_area = Text(200)
    position = Text(100)
    started_on = fields.Date(required=True)
    monthly_wage_fen = PositiveFen(required=True)


class JobEditSchema(EditSchema):
    member_name = Changed(100)
    scenic_area = Changed(200)
    position = Changed(100)
    monthly_wage_fen = PositiveFen()


class JobEndSchema(StrictSchema):
    ended_on = Today()
    reason = Text(500)


class WagePaySchema(StrictSchema):
    month = Month(required=True, metadata={"description": "the month worked; one payment per job and month"})
    paid_on = Today()
    income_fen = PositiveFen(required=True, metadata={"description": "the wage paid, in fen"})


class JobSchema(RecordSchema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    head_name = fields.String()
    village = fields.String()
    county_code = fields.String()
    member_name = fields.String()
    scenic_area = fields.String()
    position = fields.String()
    started_on = fields.String()
    ended_on = fields.String(allow_none=True)
    end_reason = fields.String()
    monthly_wage_fen = fields.Integer()
    status = fields.String()
    version = fields.Integer()


class WagePaymentSchema(Schema):
    id = fields.String(attribute="_id")
    job_id = fields.String()
    household_id = fields.String()
    member_name = fields.String()
    scenic_area = fields.String()
    month = fields.String()
    paid_on = fields.String()
    income_fen = fields.Integer()
    created_at = fields.DateTime()
    created_by = fields.String()


class WageListSchema(Schema):
    items = fields.List(fields.Nested(WagePaymentSchema))


class JobQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "member, scenic area, household"})
    status = fields.String(validate=validate.OneOf(("active", "ended")))
    county_code = CountyCode()
    household_id = HouseholdId(required=False)


JobPageSchema = page_schema(JobSchema, "JobPage")
