"""Request and response schemas of the service stations API."""
from datetime import date

from marshmallow import Schema, fields, validate

from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.ecommerce.api.schemas import County, HistorySchema, Version
from services.ecommerce.domain.stations import STATION_STATUSES
from shared.messages import N_

def VillageCode(**kw) -> fields.String:  # noqa: N802  (reads like a field class)
    return fields.String(validate=validate.Regexp(r"^[0-9]{12}$", error=N_("Not a 12-digit village code.")), **kw)


def Text(max_length: int, **kw) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(min=1, max=max_length), **kw)


def Phone() -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Regexp(r"^[0-9+\- ]{5,20}$", error=N_("Not a phone number.")))


class StationCreateSchema(StrictSchema):
    name = Text(200, required=True)
    village_code = VillageCode(required=True)
    township = Text(100, required=True)
    village = Text(100, required=True)
    keeper = Text(100, required=True, metadata={"description": "who runs the station"})
    phone = Phone()
    opened_on = fields.Date(load_default=date.today)


class StationUpdateSchema(StrictSchema):
    name = Text(200)
    village_code = VillageCode()
    township = Text(100)
    village = Text(100)
    keeper = Text(100)
    phone = Phone()
    opened_on = fields.Date()
    status = fields.String(validate=validate.OneOf(STATION_STATUSES))
    version = Version()


class StationSchema(Schema):
    id = fields.String(attribute="_id")
    name = fields.String()
    village_code = fields.String()
    township = fields.String()
    village = fields.String()
    county_code = fields.String()
    keeper = fields.String()
    phone = fields.String()
    opened_on = fields.String()
    status = fields.String()
    recorded_by = fields.String()
    version = fields.Integer()
    events = fields.List(fields.Nested(HistorySchema))


class StationQuerySchema(PageQuerySchema):
    county = County()
    village_code = VillageCode()
    status = fields.String(validate=validate.OneOf(STATION_STATUSES))
    q = fields.String(validate=validate.Length(max=50), metadata={"description": "part of the name or village"})


StationPageSchema = page_schema(StationSchema, "StationPage")
