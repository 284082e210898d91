"""Field conventions of the photovoltaic API's schemas."""
from marshmallow import fields, validate

from shared.events.types.photovoltaic import MONTH
from shared.programs.schemas import HistorySchema, Text  # noqa: F401  (re-exported)
from shared.messages import N_


VILLAGE_CODE = validate.Regexp(r"^[0-9]{12}$", error=N_("A village code has 12 digits."))
COUNTY_CODE = validate.Regexp(r"^[0-9]{6}$", error=N_("A county code has 6 digits."))
MONTH_FIELD = dict(validate=validate.Regexp(MONTH, error=N_("A month is written YYYY-MM.")))


def Month(**kw):  # noqa: N802  (reads like a field class)
    return fields.String(**MONTH_FIELD, **kw)


def Capacity(**kw):  # noqa: N802
    return fields.Float(validate=validate.Range(min=0.1, max=100_000, error=N_("Capacity is between 0.1 and 100,000 kW.")),
                        metadata={"description": "capacity in kW"}, **kw)


def Shares(**kw):  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=10_000), **kw)
