"""Installations, members and posts: request and response schemas."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.types.common import HouseholdId
from shared.events.types.photovoltaic import KINDS
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.photovoltaic.api.schemas.common import COUNTY_CODE, Capacity, HistorySchema, Shares, Text, VILLAGE_CODE
from shared.messages import N_


class InstallationCreateSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    name = Text(100, required=True)
    capacity_kw = Capacity(required=True)
    commissioned_on = fields.Date(required=True)
    village_code = fields.String(required=True, validate=VILLAGE_CODE)
    household_id = HouseholdId(required=False, allow_none=True,
                               metadata={"description": "owner of a rooftop system (none for a station)"})


class InstallationEditSchema(StrictSchema):
    name = Text(100)
    capacity_kw = Capacity()
    commissioned_on = fields.Date()
    village_code = fields.String(validate=VILLAGE_CODE)

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError(N_("Give at least one field to change."))


class JoinSchema(StrictSchema):
    household_id = HouseholdId()
    shares = Shares(required=True)
    joined_on = fields.Date(load_default=date.today)


class SharesSchema(StrictSchema):
    shares = Shares(required=True)


class LeaveSchema(StrictSchema):
    reason = Text(500, required=True)
    left_on = fields.Date(load_default=date.today)


class PostCreateSchema(StrictSchema):
    household_id = HouseholdId()
    member_name = Text(100, required=True, metadata={"description": "the household member who holds the post"})
    post = Text(100, required=True, metadata={"description": "e.g. 光伏板保洁员, 护林员"})
    monthly_wage_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**8),
                                      metadata={"description": "monthly wage in fen"})
    since = fields.Date(load_default=date.today)


class PostEndSchema(StrictSchema):
    reason = Text(500, required=True)
    ended_on = fields.Date(load_default=date.today)


class MemberSchema(Schema):
    household_id = fields.String()
    head_name = fields.String()
    shares = fields.Integer()
    joined_on = fields.String()


class PostSchema(Schema):
    post_id = fields.String()
    post = fields.String()
    household_id = fields.String()
    member_name = fields.String()
    monthly_wage_fen = fields.Integer()
    since = fields.String()
    active = fields.Boolean()
    ended_on = fields.String()
    end_reason = fields.String()


class InstallationSchema(Schema):
    id = fields.String(attribute="_id")
    kind = fields.String()
    name = fields.String()
    capacity_kw = fields.Float()
    commissioned_on = fields.String()
    village_code = fields.String()
    county_code = fields.String()
    household_id = fields.String(allow_none=True)
    household_ids = fields.List(fields.String())
    members = fields.List(fields.Nested(MemberSchema))
    posts = fields.List(fields.Nested(PostSchema))
    status = fields.String(metadata={"description": "operating, or down while a fault is open"})
    down_since = fields.String(allow_none=True)
    open_fault_id = fields.String(allow_none=True)
    events = fields.List(fields.Nested(HistorySchema))
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    rev = fields.Integer()


class InstallationQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "id or name prefix"})
    kind = fields.String(validate=validate.OneOf(KINDS))
    status = fields.String(validate=validate.OneOf(("operating", "down")))
    county_code = fields.String(validate=COUNTY_CODE)
    household_id = HouseholdId(required=False)


InstallationPageSchema = page_schema(InstallationSchema, "InstallationPage")
