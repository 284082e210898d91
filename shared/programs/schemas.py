"""Schemas the program services share: a period of months and a county for reports, a
record's history entries (shared/programs/history.py), short texts."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.months import MONTH_PATTERN as MONTH, range_problems
from shared.web.schemas import StrictSchema
from shared.messages import N_

# The longest period a report covers: five years of months.
MAX_REPORT_MONTHS = 60
COUNTY_CODE = validate.Regexp(r"^[0-9]{6}$", error=N_("A county code has 6 digits."))


def Month(**kw):  # noqa: N802  (reads like a field class)
    return fields.String(validate=validate.Regexp(MONTH, error=N_("A month is written YYYY-MM.")), **kw)


class PeriodQuerySchema(StrictSchema):
    """``?from=YYYY-MM&to=YYYY-MM&county_code=`` — subclass it under the report's own name.
    One rule for every program's report (issue 17: there were three): the period is at most
    ``MAX_REPORT_MONTHS`` long and ends after it starts (``shared.months.range_problems``)."""
    start = Month(data_key="from", metadata={"description": "first month, YYYY-MM (default: 11 months ago)"})
    end = Month(data_key="to", metadata={"description": "last month, YYYY-MM (default: this month)"})
    county_code = fields.String(validate=COUNTY_CODE)

    @validates_schema(skip_on_field_errors=False)
    def _period(self, data, **kwargs):
        problems = range_problems(data.get("start"), data.get("end"), MAX_REPORT_MONTHS)
        if problems:
            raise ValidationError(problems)


def Text(max_len: int, **kw):  # noqa: N802  (reads like a field class)
    """A text of 1 to ``max_len`` characters."""
    return fields.String(validate=validate.Length(min=1, max=max_len), **kw)


class HistorySchema(Schema):
    """One entry of a record's own event history, as shared.programs.history.entry makes it."""
    type = fields.String()
    time = fields.String()
    title_en = fields.String()
    title_zh = fields.String()
    household_ids = fields.List(fields.String())
