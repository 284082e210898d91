"""Distributions: request and response schemas."""
from marshmallow import Schema, fields, validate

from shared.events.types.common import Fen, HouseholdId
from shared.events.types.photovoltaic import MODES
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.photovoltaic.api.schemas.common import COUNTY_CODE, HistorySchema, Month


class DistributionCreateSchema(StrictSchema):
    installation_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    month = Month(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    amount_fen = Fen(load_default=None, allow_none=True,
                     metadata={"description": "dividends only: how much to share out; default revenue less reserve"})


class AllocationSchema(Schema):
    household_id = fields.String()
    amount_fen = fields.Integer()
    shares = fields.Integer()
    total_shares = fields.Integer()
    post_id = fields.String()
    post = fields.String()
    member_name = fields.String()


class DistributionSchema(Schema):
    id = fields.String(attribute="_id")
    installation_id = fields.String()
    installation_name = fields.String()
    county_code = fields.String()
    village_code = fields.String()
    month = fields.String()
    mode = fields.String()
    revenue_fen = fields.Integer()
    reserve_fen = fields.Integer()
    pool_fen = fields.Integer()
    distributed_fen = fields.Integer()
    retained_fen = fields.Integer()
    allocations = fields.List(fields.Nested(AllocationSchema))
    household_ids = fields.List(fields.String())
    run_by = fields.String()
    run_at = fields.DateTime()
    events = fields.List(fields.Nested(HistorySchema))


class DistributionQuerySchema(PageQuerySchema):
    installation_id = fields.String(validate=validate.Length(max=64))
    month = Month()
    mode = fields.String(validate=validate.OneOf(MODES))
    county_code = fields.String(validate=COUNTY_CODE)
    household_id = HouseholdId(required=False)


DistributionPageSchema = page_schema(DistributionSchema, "DistributionPage")
