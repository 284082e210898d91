"""Cooperative, membership and dividend-run schemas."""
from marshmallow import Schema, fields, validate

from shared.events.types.common import HouseholdId
from shared.events.types.tourism import PERIOD_PATTERN
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.tourism.api.schemas.common import (Changed, CountyCode, EditSchema, PositiveFen, RecordSchema,
                                                 Text, Today)
from shared.messages import N_

Shares = lambda **kw: fields.Integer(strict=True, validate=validate.Range(min=1, max=10**6), **kw)  # noqa: E731


class CooperativeCreateSchema(StrictSchema):
    name = Text(200)
    county_code = CountyCode(required=True, metadata={"description": "its members live in this county"})
    village = Text(100, required=False)
    founded_on = Today()


class CooperativeEditSchema(EditSchema):
    name = Changed(200)
    village = fields.String(validate=validate.Length(max=100))


class MemberJoinSchema(StrictSchema):
    household_id = HouseholdId()
    shares = Shares(required=True)
    joined_on = Today()


class MemberSharesSchema(StrictSchema):
    shares = Shares(required=True)
    effective_on = Today()
    reason = Text(500, required=False)


class MemberLeaveSchema(StrictSchema):
    effective_on = Today()
    reason = Text(500)


class DividendRunCreateSchema(StrictSchema):
    period = fields.String(required=True, validate=validate.Regexp(
        PERIOD_PATTERN, error=N_("A period as YYYY-MM, YYYY-Qn or YYYY.")),
        metadata={"description": "with the cooperative, identifies the run: the same period pays once"})
    amount_fen = PositiveFen(required=True, metadata={"description": "the amount to split among the members"})
    paid_on = Today()


class MemberSchema(Schema):
    household_id = fields.String()
    head_name = fields.String()
    village = fields.String()
    shares = fields.Integer()
    joined_on = fields.String()


class CooperativeSchema(RecordSchema):
    id = fields.String(attribute="_id")
    name = fields.String()
    county_code = fields.String()
    village = fields.String()
    founded_on = fields.String()
    members = fields.List(fields.Nested(MemberSchema))
    total_shares = fields.Integer()
    version = fields.Integer()


class RunLineSchema(Schema):
    household_id = fields.String()
    head_name = fields.String()
    shares = fields.Integer()
    dividend_fen = fields.Integer()


class DividendRunSchema(RecordSchema):
    id = fields.String(attribute="_id")
    cooperative_id = fields.String()
    cooperative_name = fields.String()
    county_code = fields.String()
    period = fields.String()
    amount_fen = fields.Integer()
    paid_on = fields.String()
    total_shares = fields.Integer()
    lines = fields.List(fields.Nested(RunLineSchema))


class DividendRunListSchema(Schema):
    items = fields.List(fields.Nested(DividendRunSchema))


class CooperativeQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "name or village"})
    county_code = CountyCode()


CooperativePageSchema = page_schema(CooperativeSchema, "CooperativePage")
