"""Field conventions shared by event schemas (ids, money in fen) and the enrolment events
every program declares the same way."""
from marshmallow import RAISE, Schema, fields, validate

from shared.events.catalogue import CATALOGUE, EventType
from shared.household_ids import PATTERN
from shared.messages import N_


def HouseholdId(required: bool = True, **kw) -> fields.String:  # noqa: N802  (reads like a field class)
    return fields.String(required=required, validate=validate.Regexp(PATTERN, error=N_("Not a household id.")), **kw)


def Fen(**kw) -> fields.Integer:  # noqa: N802
    """Money in integer fen (1 yuan = 100 fen): never floats."""
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=10**12), **kw)


class EventData(Schema):
    """Unknown fields are refused: a typo in a producer must not pass silently."""

    class Meta:
        unknown = RAISE

    household_id = HouseholdId()
    recorded_by = fields.String(required=True, validate=validate.Length(min=1, max=100))


class EnrolledV1(EventData):
    enrolment_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    enrolled_on = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class EnrolmentEndedV1(EventData):
    enrolment_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    ended_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


# Each program's name in English and Chinese, as its enrolment events call it.
PROGRAM_NAMES: dict[str, tuple[str, str]] = {}


def declare_enrolment(program: str, name_en: str, name_zh: str) -> tuple[EventType, EventType]:
    """Enrolment in and exit from a program: the same two events for every program. Leaving
    a program stops its income, a return-to-poverty risk signal after the household exited."""
    PROGRAM_NAMES[program] = (name_en, name_zh)
    enrolled = CATALOGUE.declare(EventType(
        type=f"cn.jingzhun.{program}.enrolment.started.v1", program=program, schema=EnrolledV1,
        title_en=f"Enrolled in {name_en}", title_zh=f"纳入{name_zh}", enrolment_status="enrolled",
        occurred_on="enrolled_on"))
    ended = CATALOGUE.declare(EventType(
        type=f"cn.jingzhun.{program}.enrolment.ended.v1", program=program, schema=EnrolmentEndedV1,
        title_en=f"Left {name_en}: {{reason}}", title_zh=f"退出{name_zh}：{{reason}}", enrolment_status="exited",
        risk="program_income_stopped", occurred_on="ended_on"))
    return enrolled, ended
