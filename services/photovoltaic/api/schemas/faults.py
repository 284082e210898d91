"""Faults and restorations: request and response schemas."""
from datetime import date

from marshmallow import Schema, fields, validate

from shared.events.types.photovoltaic import FAULT_CAUSES
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.photovoltaic.api.schemas.common import COUNTY_CODE, HistorySchema


class FaultCreateSchema(StrictSchema):
    installation_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    down_since = fields.Date(required=True)
    cause = fields.String(required=True, validate=validate.OneOf(FAULT_CAUSES))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class RestoreSchema(StrictSchema):
    restored_on = fields.Date(load_default=date.today)


class FaultSchema(Schema):
    id = fields.String(attribute="_id")
    installation_id = fields.String()
    installation_name = fields.String()
    kind = fields.String()
    county_code = fields.String()
    village_code = fields.String()
    down_since = fields.String()
    cause = fields.String()
    note = fields.String()
    status = fields.String()
    restored_on = fields.String()
    days_down = fields.Integer()
    risk_raised = fields.Boolean()
    risk_raised_on = fields.String()
    household_ids = fields.List(fields.String())
    reported_by = fields.String()
    reported_at = fields.DateTime()
    events = fields.List(fields.Nested(HistorySchema))


class FaultQuerySchema(PageQuerySchema):
    installation_id = fields.String(validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(("open", "restored")))
    cause = fields.String(validate=validate.OneOf(FAULT_CAUSES))
    county_code = fields.String(validate=COUNTY_CODE)
    q = fields.String(validate=validate.Length(max=100))


FaultPageSchema = page_schema(FaultSchema, "FaultPage")
