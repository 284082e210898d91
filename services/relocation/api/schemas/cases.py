"""Relocation cases and their steps: request and response schemas."""
from datetime import date

from marshmallow import Schema, fields, validate

from shared.events.types.common import Fen, HouseholdId
from shared.events.types.relocation import STAGES, SUBSIDY_KINDS
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.relocation.api.schemas.common import COUNTY_CODE, HistorySchema, Text


class CaseCreateSchema(StrictSchema):
    household_id = HouseholdId()
    people = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1, max=50),
                            metadata={"description": "people relocated; the household's members when omitted"})


class AllocateSchema(StrictSchema):
    site_id = Text(64, required=True)
    unit = Text(50, required=True, metadata={"description": "building and flat, e.g. 3-201"})
    area_m2 = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10_000))
    self_paid_fen = Fen(load_default=0, metadata={"description": "what the household pays itself (自筹), in fen"})
    allocated_on = fields.Date(load_default=date.today)


class MoveInSchema(StrictSchema):
    moved_in_on = fields.Date(load_default=date.today)


class EmploymentSchema(StrictSchema):
    member_name = Text(100, required=True)
    employer = Text(200, required=True)
    job = Text(100, required=True)
    started_on = fields.Date(load_default=date.today)
    monthly_wage_fen = Fen(load_default=0)


class TrainingSchema(StrictSchema):
    member_name = Text(100, required=True)
    course = Text(200, required=True)
    days = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=365))
    completed_on = fields.Date(load_default=date.today)


class ReclaimSchema(StrictSchema):
    demolished_on = fields.Date(required=True)
    reclaimed_on = fields.Date(load_default=date.today)
    land_m2 = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=1_000_000))


class SubsidySchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(SUBSIDY_KINDS))
    amount_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**10))
    paid_on = fields.Date(load_default=date.today)


class JobSchema(Schema):
    member_name = fields.String()
    employer = fields.String()
    job = fields.String()
    started_on = fields.String()
    monthly_wage_fen = fields.Integer()


class CourseSchema(Schema):
    member_name = fields.String()
    course = fields.String()
    days = fields.Integer()
    completed_on = fields.String()


class PaidSchema(Schema):
    subsidy_id = fields.String()
    kind = fields.String()
    amount_fen = fields.Integer()
    paid_on = fields.String()


class CaseSchema(Schema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    head_name = fields.String()
    county_code = fields.String()
    origin_village_code = fields.String()
    origin_village = fields.String()
    people = fields.Integer()
    stage = fields.String()
    site_id = fields.String(allow_none=True)
    site_name = fields.String(allow_none=True)
    unit = fields.String()
    area_m2 = fields.Integer()
    self_paid_fen = fields.Integer()
    allocated_on = fields.String()
    moved_in_on = fields.String()
    village_code = fields.String(metadata={"description": "the site's village, once moved in"})
    employed = fields.Boolean()
    employment = fields.List(fields.Nested(JobSchema))
    training = fields.List(fields.Nested(CourseSchema))
    demolished_on = fields.String()
    reclaimed_on = fields.String()
    land_m2 = fields.Integer()
    subsidies = fields.List(fields.Nested(PaidSchema))
    subsidies_fen = fields.Integer()
    risk_raised = fields.Boolean()
    risk_raised_on = fields.String()
    opened_by = fields.String()
    opened_at = fields.DateTime()
    events = fields.List(fields.Nested(HistorySchema))
    rev = fields.Integer()


class CaseQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "case id, household id or head name prefix"})
    stage = fields.String(validate=validate.OneOf(STAGES))
    site_id = fields.String(validate=validate.Length(max=64))
    household_id = fields.String(validate=validate.Length(max=64))
    employed = fields.Boolean()
    county_code = fields.String(validate=COUNTY_CODE)


CasePageSchema = page_schema(CaseSchema, "CasePage")
