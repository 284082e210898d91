"""Homestay schemas."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.types.common import HouseholdId
from shared.events.types.tourism import HOMESTAY_KINDS, INSPECTION_RESULTS
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.tourism.api.schemas.common import Changed, Count, CountyCode, EditSchema, RecordSchema, Text, Today
from services.tourism.domain.homestays import capacity_problems


class HomestayFields(StrictSchema):
    name = Text(100)
    kind = fields.String(required=True, validate=validate.OneOf(HOMESTAY_KINDS))
    rooms = Count(100, required=True)
    beds = Count(500, required=True, metadata={"description": "at least one bed per room"})

    @validates_schema(skip_on_field_errors=False)   # with the other fields' errors, not after
    def _capacity(self, data, **kwargs):
        problems = capacity_problems(data.get("rooms"), data.get("beds"))
        if problems:
            raise ValidationError(problems)


class HomestayCreateSchema(HomestayFields):
    household_id = HouseholdId(metadata={"description": "the household that runs it (enrolled in tourism)"})
    safety_inspected_on = fields.Date(allow_none=True, load_default=None,
                                      metadata={"description": "a passed safety inspection, if there was one"})


class HomestayEditSchema(EditSchema):
    name = Changed(100)
    kind = fields.String(validate=validate.OneOf(HOMESTAY_KINDS))
    rooms = Count(100)
    beds = Count(500)


class InspectionCreateSchema(StrictSchema):
    inspected_on = Today()
    result = fields.String(required=True, validate=validate.OneOf(INSPECTION_RESULTS))
    note = Text(500, required=False)


class InspectionSchema(Schema):
    inspected_on = fields.String()
    result = fields.String()
    note = fields.String()
    by = fields.String()


class HomestaySchema(RecordSchema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    head_name = fields.String()
    village = fields.String()
    county_code = fields.String()
    name = fields.String()
    kind = fields.String()
    rooms = fields.Integer()
    beds = fields.Integer()
    safety_inspected_on = fields.String(allow_none=True)
    inspections = fields.List(fields.Nested(InspectionSchema))
    version = fields.Integer()


class HomestayQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "name, household id, head"})
    kind = fields.String(validate=validate.OneOf(HOMESTAY_KINDS))
    county_code = CountyCode()
    household_id = HouseholdId(required=False)


HomestayPageSchema = page_schema(HomestaySchema, "HomestayPage")
