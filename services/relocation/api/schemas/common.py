"""Field conventions of the relocation API's schemas."""
from marshmallow import Schema, fields, validate

from shared.programs.schemas import COUNTY_CODE  # noqa: F401  (re-exported)

VILLAGE_CODE = validate.Regexp(r"^[0-9]{12}$", error="A village code has 12 digits.")


def Text(max_len: int, **kw):  # noqa: N802
    return fields.String(validate=validate.Length(min=1, max=max_len), **kw)


class HistorySchema(Schema):
    type = fields.String()
    time = fields.String()
    title_en = fields.String()
    title_zh = fields.String()
    household_ids = fields.List(fields.String())
