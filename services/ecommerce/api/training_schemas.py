"""Request and response schemas of the training API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.types.common import HouseholdId
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.ecommerce.api.schemas import County, HistorySchema, Version
from services.ecommerce.api.station_schemas import Text, VillageCode
from services.ecommerce.domain.training import MAX_MEMBERS, clean_members
from shared.messages import N_
from shared.validation_messages import templated

AT_MOST_MEMBERS = templated(N_("At most %(n)s members."))   # said on pages by shared/validation_messages


class TrainingCreateSchema(StrictSchema):
    held_on = fields.Date(required=True)
    village_code = VillageCode(required=True)
    village = Text(100, required=True)
    trainer = Text(100, required=True)
    topic = Text(200, required=True)


class TrainingUpdateSchema(StrictSchema):
    held_on = fields.Date()
    village_code = VillageCode()
    village = Text(100)
    trainer = Text(100)
    topic = Text(200)
    version = Version()


class AttendanceSchema(StrictSchema):
    household_id = HouseholdId()
    members = fields.List(fields.String(validate=validate.Length(max=50)), required=True,
                          metadata={"description": "names of the members who attended, as given"})

    @validates_schema
    def _members(self, data, **kwargs):
        names = clean_members(data.get("members") or [])
        if not names:
            raise ValidationError({"members": [N_("Name at least one member who attended.")]})
        if len(names) > MAX_MEMBERS:
            raise ValidationError({"members": [AT_MOST_MEMBERS % {"n": MAX_MEMBERS}]})


class AttendanceLineSchema(Schema):
    household_id = fields.String()
    head_name = fields.String()
    village = fields.String()
    members = fields.List(fields.String())
    recorded_by = fields.String()
    recorded_at = fields.String()


class TrainingSchema(Schema):
    id = fields.String(attribute="_id")
    held_on = fields.String()
    village_code = fields.String()
    village = fields.String()
    county_code = fields.String()
    trainer = fields.String()
    topic = fields.String()
    attendance = fields.List(fields.Nested(AttendanceLineSchema))
    attendee_ids = fields.List(fields.String())
    members_total = fields.Integer()
    recorded_by = fields.String()
    version = fields.Integer()
    events = fields.List(fields.Nested(HistorySchema))


class TrainingQuerySchema(PageQuerySchema):
    county = County()
    village_code = VillageCode()
    household_id = HouseholdId(required=False, metadata={"description": "sessions this household attended"})
    held_from = fields.Date()
    held_to = fields.Date()
    q = fields.String(validate=validate.Length(max=50), metadata={"description": "part of the topic or trainer"})


TrainingPageSchema = page_schema(TrainingSchema, "TrainingPage")
