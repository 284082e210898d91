"""Schema pieces the tourism API shares."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.months import MONTH_PATTERN
from shared.programs.schemas import HistorySchema
from shared.web.schemas import StrictSchema
from shared.messages import N_


def Text(max_len: int = 100, required: bool = True, **kw):  # noqa: N802  (reads like a field class)
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=max_len), **kw)
    return fields.String(load_default="", validate=validate.Length(max=max_len), **kw)


def Changed(max_len: int = 100, **kw):  # noqa: N802
    """A text field of an edit: not sent, not changed; sent, not empty."""
    return fields.String(validate=validate.Length(min=1, max=max_len), **kw)


def PositiveFen(**kw):  # noqa: N802
    """Money in integer fen that must be at least 1 fen."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=10**12), **kw)


def Count(high: int, **kw):  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=high), **kw)


def Month(**kw):  # noqa: N802
    return fields.String(validate=validate.Regexp(MONTH_PATTERN, error=N_("A month as YYYY-MM.")), **kw)


def CountyCode(**kw):  # noqa: N802
    return fields.String(validate=validate.Regexp(r"^[0-9]{6}$", error=N_("A 6-digit county code.")), **kw)


def Today(**kw):  # noqa: N802
    return fields.Date(load_default=date.today, **kw)


class EditSchema(StrictSchema):
    """An edit (PATCH): only the fields sent change. ``version``, when sent, must be the one
    read: an edit made from a stale copy is refused rather than merged."""

    version = fields.Integer(strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _something(self, data, **kwargs):
        if not set(data) - {"version"}:
            raise ValidationError(N_("Send at least one field to change."), "_schema")


class RecordSchema(Schema):
    """Who made a record and when, and its own event history."""

    created_at = fields.DateTime()
    created_by = fields.String()
    updated_at = fields.DateTime()
    updated_by = fields.String()
    events = fields.List(fields.Nested(HistorySchema))
