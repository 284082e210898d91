"""Field conventions shared by event schemas: ids, money in fen, dates."""
from shared.household_ids import PATTERN
from marshmallow import Schema, fields, validate, RAISE



def HouseholdId(required: bool = True, **kw) -> fields.String:  # noqa: N802  (reads like a field class)
    return fields.String(required=required, validate=validate.Regexp(PATTERN, error="Not a household id."), **kw)


def Fen(**kw) -> fields.Integer:  # noqa: N802
    """Money in integer fen (1 yuan = 100 fen): never floats."""
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=10**12), **kw)


class EventData(Schema):
    """Unknown fields are refused: a typo in a producer must not pass silently."""

    class Meta:
        unknown = RAISE

    household_id = HouseholdId()
    recorded_by = fields.String(required=True, validate=validate.Length(min=1, max=100))
