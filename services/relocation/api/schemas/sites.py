"""Resettlement sites: request and response schemas."""
from marshmallow import Schema, fields, validate

from shared.events.types.relocation import SITE_KINDS
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.relocation.api.schemas.common import COUNTY_CODE, Text, VILLAGE_CODE


class SiteCreateSchema(StrictSchema):
    name = Text(100, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SITE_KINDS))
    village_code = fields.String(required=True, validate=VILLAGE_CODE,
                                 metadata={"description": "the village where the site is"})
    township = Text(50, required=True)
    village = Text(50, required=True)
    capacity_households = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=100_000))
    capacity_m2 = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10_000_000),
                                 metadata={"description": "housing area the site can hold, in m²"})


class SiteSchema(Schema):
    id = fields.String(attribute="_id")
    name = fields.String()
    kind = fields.String()
    county_code = fields.String()
    village_code = fields.String()
    township = fields.String()
    village = fields.String()
    capacity_households = fields.Integer()
    capacity_m2 = fields.Integer()
    households_allocated = fields.Integer()
    m2_allocated = fields.Integer()
    households_free = fields.Integer()
    m2_free = fields.Integer()
    created_by = fields.String()
    created_at = fields.DateTime()


class SiteQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "site name or id prefix"})
    kind = fields.String(validate=validate.OneOf(SITE_KINDS))
    county_code = fields.String(validate=COUNTY_CODE)


SitePageSchema = page_schema(SiteSchema, "SitePage")
