"""Registry event types: household files (compacted topic) and the consolidated stream."""
from marshmallow import Schema, fields, validate, RAISE

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.types.common import HouseholdId

HOUSEHOLD_STATUSES = ("identified", "assisted", "exit_proposed", "exited", "returned", "removed")


class HouseholdSnapshotV1(Schema):
    class Meta:
        unknown = RAISE

    household_id = HouseholdId()
    head_name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(HOUSEHOLD_STATUSES))
    county_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))
    township = fields.String(required=True)
    village = fields.String(required=True)
    members = fields.Integer(strict=True, required=True)
    version = fields.Integer(strict=True, required=True)


class AssistanceRecordedV1(Schema):
    """What the registry accepted, enriched with where the household is and its totals."""

    class Meta:
        unknown = RAISE

    household_id = HouseholdId()
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    program = fields.String(required=True)
    occurred_at = fields.String(required=True)
    title_en = fields.String(required=True)
    title_zh = fields.String(required=True)
    income_fen = fields.Integer(strict=True, required=True)
    amount_fen = fields.Integer(strict=True, required=True)
    county_code = fields.String(required=True)
    village = fields.String(required=True)
    total_income_fen = fields.Integer(strict=True, required=True)
    data = fields.Dict(required=True)


HOUSEHOLD_SNAPSHOT = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.household.snapshot.v1",
    program="registry",
    schema=HouseholdSnapshotV1,
    title_en="Household file of {head_name}",
    title_zh="{head_name}户档案",
))

ASSISTANCE_RECORDED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.assistance.recorded.v1",
    program="registry",
    schema=AssistanceRecordedV1,
    title_en="{title_en}",
    title_zh="{title_zh}",
))
