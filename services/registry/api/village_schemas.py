"""Request and response schemas of the poor villages', task forces', cadres' and coverage API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.types.common import Fen
from shared.messages import N_
from shared.web.schemas import PageQuerySchema, StrictSchema
from services.registry.api.schemas import VillageCode, official_area
from services.registry.domain.areas import COUNTRY
from services.registry.domain.villages import GAPS, VILLAGE_STATUSES


def area_or_country(code: str) -> None:
    """An official area's code, or the whole country's (000000)."""
    if code != COUNTRY:
        official_area(code)


AreaCode = lambda **kw: fields.String(validate=[validate.Regexp(r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$",  # noqa: E731
                                                                error=N_("6, 9 or 12 digits (area code).")),
                                                area_or_country], **kw)
CountyCode = lambda **kw: fields.String(validate=[validate.Regexp(r"^[0-9]{6}$", error=N_("6 digits (county code).")),  # noqa: E731
                                                  official_area], **kw)
Year = lambda **kw: fields.Integer(strict=True, validate=validate.Range(min=2000, max=2100), **kw)  # noqa: E731
Text = lambda n=500, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731
Reason = lambda: fields.String(required=True, validate=validate.Length(min=1, max=500))  # noqa: E731


# What the village lacks (true: it lacks it), the gaps of services/registry/domain/villages.py.
GAP_DESCRIPTIONS = {"road": "no hardened road to the village", "drinking_water": "no safe drinking water",
                    "power": "no reliable power", "broadband": "no broadband", "clinic": "no village clinic",
                    "school": "no school within reach"}
GapsSchema = StrictSchema.from_dict({g: fields.Boolean(load_default=False, metadata={"description": GAP_DESCRIPTIONS[g]})
                                     for g in GAPS}, name="GapsSchema")


class DesignationSchema(StrictSchema):
    """Why the village was designated poor, as it stood that year."""
    year = Year(required=True)
    poverty_incidence = fields.Float(required=True, validate=validate.Range(min=0, max=1),
                                     metadata={"description": "poor people / rural population (0.23 = 23 %)"})
    collective_income_fen = Fen(required=True, metadata={"description": "the village collective's income that year"})
    gaps = fields.Nested(GapsSchema, load_default=lambda: {g: False for g in GAPS})


class VillageCreateSchema(StrictSchema):
    village_code = VillageCode(required=True)
    designation = fields.Nested(DesignationSchema, required=True)
    reason = Text(load_default="")


class VillageStatusSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(VILLAGE_STATUSES))
    reason = Reason()


class CollectiveIncomeSchema(StrictSchema):
    year = Year(required=True)
    income_fen = Fen(required=True)
    reason = Text(load_default="")


class VillageQuerySchema(PageQuerySchema):
    area = AreaCode(metadata={"description": "an area (county, township, village … or 000000, the country)"})
    status = fields.String(validate=validate.OneOf(VILLAGE_STATUSES))


class StatusChangeSchema(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    by = fields.String()
    at = fields.String()
    reason = fields.String()


class VersionedSchema(Schema):
    """Who made a file and who changed it last, and its version (adapters/versioned.py)."""
    version = fields.Integer()
    created_at = fields.String()
    created_by = fields.String()
    updated_at = fields.String()
    updated_by = fields.String()


class VillageSchema(VersionedSchema):
    village_code = fields.String(attribute="_id")
    name = fields.String()
    county_code = fields.String()
    status = fields.String()
    designation = fields.Dict()
    collective_income = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                    metadata={"description": "the collective's income per year, in fen"})
    changes = fields.List(fields.Nested(StatusChangeSchema))


class VillageFileSchema(VillageSchema):
    """The file with its households (counts by status) and the task forces stationed now."""
    households = fields.Dict(metadata={"description": "household files of the village by status"})
    households_total = fields.Integer()
    task_forces = fields.List(fields.String(), metadata={"description": "ids of the task forces stationed now"})


class VillagePageSchema(Schema):
    items = fields.List(fields.Nested(VillageSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class PersonSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    unit = fields.String(load_default="", validate=validate.Length(max=100))
    phone = fields.String(load_default="", validate=validate.Regexp(r"^[0-9+\- ]{0,20}$"))


class TaskForceCreateSchema(StrictSchema):
    county_code = CountyCode(required=True, metadata={"description": "the county whose villages it is stationed in"})
    sending_unit = fields.String(required=True, validate=validate.Length(min=1, max=100))
    first_secretary = fields.Nested(PersonSchema, required=True, metadata={"description": "第一书记"})
    members = fields.List(fields.Nested(PersonSchema), load_default=list, validate=validate.Length(max=30))


class StationingSchema(StrictSchema):
    village_code = VillageCode(required=True)
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(load_default=None, allow_none=True)
    reason = Text(load_default="")

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("to") and data.get("from_") and data["to"] < data["from_"]:
            raise ValidationError("The end is before the start.", "to")


class MembersSchema(StrictSchema):
    members = fields.List(fields.Nested(PersonSchema), required=True, validate=validate.Length(max=30))
    reason = Text(load_default="")


class StationingOutSchema(Schema):
    village_code = fields.String()
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String(allow_none=True)


class TaskForceSchema(VersionedSchema):
    id = fields.String(attribute="_id")
    county_code = fields.String()
    sending_unit = fields.String()
    first_secretary = fields.Dict()
    members = fields.List(fields.Dict())
    stationings = fields.List(fields.Nested(StationingOutSchema))


class TaskForceQuerySchema(StrictSchema):
    area = AreaCode()
    village_code = VillageCode()


class CadreAssignSchema(PersonSchema):
    since = fields.Date(load_default=None, allow_none=True, metadata={"description": "today when not given"})
    reason = Text(load_default="")


class CadreEndSchema(StrictSchema):
    on = fields.Date(load_default=None, allow_none=True, metadata={"description": "today when not given"})
    reason = Reason()


class HouseholdCadreSchema(Schema):
    household_id = fields.String(attribute="_id")
    cadre = fields.Dict(allow_none=True)
    cadre_history = fields.List(fields.Dict())
    version = fields.Integer()


class CoverageQuerySchema(StrictSchema):
    area = AreaCode(metadata={"description": "000000 (the country), a province, prefecture, county, township or "
                                             "village; the caller's own county when not given"})


class CoverageSchema(Schema):
    area = fields.String()
    name = fields.String()
    day = fields.String()
    villages = fields.Integer(metadata={"description": "poor villages (not exited)"})
    villages_covered = fields.Integer(metadata={"description": "… with a task force stationed today"})
    village_share = fields.Float()
    villages_without_task_force = fields.Integer()
    village_gaps = fields.List(fields.Dict(), metadata={"description": "poor villages with no task force today "
                                                                      "(at most 500 listed)"})
    households = fields.Integer(metadata={"description": "poor households (not exited, not removed)"})
    households_covered = fields.Integer(metadata={"description": "… with an assigned cadre"})
    household_share = fields.Float()
    households_without_cadre = fields.Integer()
    household_gaps = fields.List(fields.Dict(), metadata={"description": "poor households with no cadre "
                                                                        "(at most 500 listed)"})
