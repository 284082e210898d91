"""Booking schemas."""
from marshmallow import ValidationError, fields, validate, validates_schema

from shared.events.types.common import Fen, HouseholdId
from shared.events.types.tourism import BOOKING_CHANNELS
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.tourism.api.schemas.common import Count, CountyCode, Month, PositiveFen, RecordSchema, Text, Today
from services.tourism.domain.bookings import booking_problems


class BookingCreateSchema(StrictSchema):
    homestay_id = Text(64)
    guest_name = Text(100, required=False, metadata={"description": "kept here only; not published"})
    guests = Count(1000, required=True)
    check_in = fields.Date(required=True)
    check_out = fields.Date(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(BOOKING_CHANNELS))
    amount_fen = PositiveFen(required=True, metadata={"description": "what the guests paid, in fen"})
    income_fen = Fen(required=True, metadata={"description": "income to the household, in fen (≤ amount)"})

    @validates_schema(skip_on_field_errors=False)   # with the other fields' errors, not after
    def _rules(self, data, **kwargs):
        problems = booking_problems(data)
        if problems:
            raise ValidationError(problems)


class BookingCancelSchema(StrictSchema):
    cancelled_on = Today()
    reason = Text(500)


class BookingSchema(RecordSchema):
    id = fields.String(attribute="_id")
    homestay_id = fields.String()
    homestay_name = fields.String()
    household_id = fields.String()
    county_code = fields.String()
    guest_name = fields.String()
    guests = fields.Integer()
    check_in = fields.String()
    check_out = fields.String()
    nights = fields.Integer()
    month = fields.String()
    channel = fields.String()
    amount_fen = fields.Integer()
    income_fen = fields.Integer()
    status = fields.String()
    cancelled_on = fields.String()
    cancel_reason = fields.String()


class BookingQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "homestay, guest, household id"})
    status = fields.String(validate=validate.OneOf(("booked", "cancelled")))
    month = Month(metadata={"description": "month of check-in"})
    county_code = CountyCode()
    homestay_id = fields.String(validate=validate.Length(max=64))
    household_id = HouseholdId(required=False)


BookingPageSchema = page_schema(BookingSchema, "BookingPage")
