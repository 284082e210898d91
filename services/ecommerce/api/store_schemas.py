"""Request and response schemas of the stores API."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.types.common import HouseholdId
from shared.events.types.ecommerce import PLATFORMS, STORE_KINDS
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.ecommerce.api.schemas import County, HistorySchema, Version
from services.ecommerce.domain.sales import in_future
from services.ecommerce.domain.stores import STORE_STATUSES, check_store
from shared.messages import N_

def Name(**kw) -> fields.String:  # noqa: N802  (reads like a field class)
    return fields.String(validate=validate.Length(min=1, max=200), **kw)


def Url() -> fields.String:  # noqa: N802
    # http(s) only: the store page links it, and a javascript: address must never get there.
    return fields.String(validate=validate.Regexp(r"^(https?://\S{1,300})?$", error=N_("Not a web address (http…).")))


class StoreCreateSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(STORE_KINDS))
    name = Name(required=True)
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    url = Url()
    opened_on = fields.Date(load_default=date.today)
    household_id = HouseholdId(required=False, metadata={"description": "the household whose own store it is"})
    owner_name = Name(metadata={"description": "the cooperative or enterprise"})
    county_code = County(metadata={"description": "where the cooperative or enterprise buys"})
    committed_households = fields.List(HouseholdId(), metadata={
        "description": "households of that county it commits to buy from"})

    @validates_schema
    def _shape(self, data, **kwargs):
        errors = check_store(data)
        if in_future(data.get("opened_on")):
            errors["opened_on"] = [N_("Not in the future.")]
        if errors:
            raise ValidationError(errors)


class StoreUpdateSchema(StrictSchema):
    name = Name()
    platform = fields.String(validate=validate.OneOf(PLATFORMS))
    url = Url()
    owner_name = Name()
    committed_households = fields.List(HouseholdId(), validate=validate.Length(min=1))
    reason = fields.String(validate=validate.Length(min=1, max=500),
                           metadata={"description": "why households leave the commitment (told to them)"})
    version = Version()

    @validates_schema
    def _unique(self, data, **kwargs):
        committed = data.get("committed_households") or []
        if len(set(committed)) != len(committed):
            raise ValidationError({"committed_households": [N_("A household is named twice.")]})


class StoreCloseSchema(StrictSchema):
    closed_on = fields.Date(load_default=date.today)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class StoreSchema(Schema):
    id = fields.String(attribute="_id")
    kind = fields.String()
    name = fields.String()
    platform = fields.String()
    url = fields.String()
    owner_name = fields.String()
    household_id = fields.String(allow_none=True)
    county_code = fields.String()
    committed_households = fields.List(fields.String())
    opened_on = fields.String()
    status = fields.String()
    closed_on = fields.String()
    close_reason = fields.String()
    recorded_by = fields.String()
    updated_at = fields.String()
    version = fields.Integer()
    events = fields.List(fields.Nested(HistorySchema))


class StoreQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(STORE_KINDS))
    status = fields.String(validate=validate.OneOf(STORE_STATUSES))
    platform = fields.String(validate=validate.OneOf(PLATFORMS))
    county = County()
    household_id = HouseholdId(required=False, metadata={"description": "owned by or buying from this household"})
    q = fields.String(validate=validate.Length(max=50), metadata={"description": "part of the store's name"})


StorePageSchema = page_schema(StoreSchema, "StorePage")
