"""Field conventions of the relocation API's schemas."""
from marshmallow import validate

from shared.programs.schemas import COUNTY_CODE, HistorySchema, Text  # noqa: F401  (re-exported)
from shared.messages import N_

VILLAGE_CODE = validate.Regexp(r"^[0-9]{12}$", error=N_("A village code has 12 digits."))
