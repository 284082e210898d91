"""Field conventions of the relocation API's schemas."""
from marshmallow import Schema, fields, validate

from shared.events.types.photovoltaic import MONTH

VILLAGE_CODE = validate.Regexp(r"^[0-9]{12}$", error="A village code has 12 digits.")
COUNTY_CODE = validate.Regexp(r"^[0-9]{6}$", error="A county code has 6 digits.")


def Month(**kw):  # noqa: N802  (reads like a field class)
    return fields.String(validate=validate.Regexp(MONTH, error="A month is written YYYY-MM."), **kw)


def Text(max_len: int, **kw):  # noqa: N802
    return fields.String(validate=validate.Length(min=1, max=max_len), **kw)


class HistorySchema(Schema):
    type = fields.String()
    time = fields.String()
    title_en = fields.String()
    title_zh = fields.String()
    household_ids = fields.List(fields.String())
