"""Request and response schemas of the registry API."""
from marshmallow import Schema, fields, validate

from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.registry.domain.households import CAUSES, RELATIONS, SEXES


class MemberSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    birth_year = fields.Integer(strict=True, required=True, validate=validate.Range(min=1900, max=2100))


class HouseholdCreateSchema(StrictSchema):
    head_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    county_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$", error="6 digits (GB/T 2260)"))
    township = fields.String(required=True, validate=validate.Length(min=1, max=50))
    village = fields.String(required=True, validate=validate.Length(min=1, max=50))
    main_cause = fields.String(required=True, validate=validate.OneOf(CAUSES))
    income_per_capita_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**9))
    members = fields.List(fields.Nested(MemberSchema), required=True, validate=validate.Length(min=1, max=30))


class ProgramSummarySchema(Schema):
    events = fields.Integer()
    income_fen = fields.Integer()
    amount_fen = fields.Integer()


class SummarySchema(Schema):
    events = fields.Integer()
    total_income_fen = fields.Integer()
    total_amount_fen = fields.Integer()
    programs = fields.Dict(keys=fields.String(), values=fields.Nested(ProgramSummarySchema))


class HouseholdSchema(Schema):
    id = fields.String(attribute="_id")
    head_name = fields.String()
    county_code = fields.String()
    township = fields.String()
    village = fields.String()
    main_cause = fields.String()
    income_per_capita_fen = fields.Integer()
    members = fields.List(fields.Nested(MemberSchema))
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    created_by = fields.String()
    summary = fields.Nested(SummarySchema)


class HouseholdQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=50), metadata={"description": "head of household name starts with"})
    county = fields.String(validate=validate.Regexp(r"^[0-9]{6}$"))


HouseholdPageSchema = page_schema(HouseholdSchema, "HouseholdPage")


class TimelineEntrySchema(Schema):
    event_id = fields.String(attribute="_id")
    event_type = fields.String()
    program = fields.String()
    occurred_at = fields.String()
    recorded_by = fields.String()
    title_en = fields.String()
    title_zh = fields.String()
    income_fen = fields.Integer()
    amount_fen = fields.Integer()
    data = fields.Dict()
