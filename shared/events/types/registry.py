"""Registry event types: household file changes (the registry's own topic), household
snapshots (compacted topic), and the consolidated stream."""
from marshmallow import Schema, fields, validate, RAISE

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.types.common import EventData, HouseholdId

HOUSEHOLD_STATUSES = ("identified", "assisted", "exit_proposed", "township_checked", "public_notice",
                      "exited", "returned", "removed")


class PlaceSchema(Schema):
    """Where the household was, and how it counted, before this change (for statistics)."""

    class Meta:
        unknown = RAISE

    status = fields.String(required=True, validate=validate.OneOf(HOUSEHOLD_STATUSES))
    village_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{12}$"))
    people = fields.Integer(strict=True, required=True)


class FileEventData(EventData):
    version = fields.Integer(strict=True, required=True)
    file = fields.Dict(required=True)                 # the whole file after the change
    before = fields.Nested(PlaceSchema, allow_none=True, load_default=None)
    after = fields.Nested(PlaceSchema, required=True)
    reason = fields.String(load_default="")
    # The reason in each language ({"zh": …, "en": …}), when the system gave it (a relocation's
    # move-in): a title says it in its own language; ``reason`` keeps both for older readers.
    reasons = fields.Dict()


class HouseholdChangedV1(FileEventData):
    kind = fields.String(required=True)
    change_request_id = fields.String(required=True)
    changes = fields.List(fields.Dict(), required=True)


class StatusChangedV1(FileEventData):
    step = fields.String(required=True)
    from_status = fields.String(required=True, validate=validate.OneOf(HOUSEHOLD_STATUSES))
    to_status = fields.String(required=True, validate=validate.OneOf(HOUSEHOLD_STATUSES))
    notice_until = fields.String(allow_none=True, load_default=None)


class WarningRaisedV1(EventData):
    risk = fields.String(required=True)
    source_event_id = fields.String(required=True)
    source_event_type = fields.String(required=True)
    reason = fields.String(required=True)


class HouseholdSnapshotV1(Schema):
    class Meta:
        unknown = RAISE

    household_id = HouseholdId()
    head_name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(HOUSEHOLD_STATUSES))
    county_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))
    village_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{12}$"))
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
    village_code = fields.String(required=True)
    village = fields.String(required=True)
    area = fields.Dict(required=True)
    status = fields.String(required=True)
    total_income_fen = fields.Integer(strict=True, required=True)
    summary = fields.Dict(required=True)
    data = fields.Dict(required=True)


IDENTIFIED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.household.identified.v1", program="registry", schema=FileEventData,
    title_en="Household identified and filed (建档立卡)", title_zh="识别建档立卡"))
CHANGED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.household.changed.v1", program="registry", schema=HouseholdChangedV1,
    title_en="File changed ({kind:label}): {reason}", title_zh="档案变更（{kind:label}）：{reason}"))
STATUS_CHANGED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.household.status_changed.v1", program="registry", schema=StatusChangedV1,
    title_en="{step:label}: {from_status:label} → {to_status:label}", title_zh="{step:label}：{from_status:label} → {to_status:label}"))
WARNING_RAISED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.household.warning_raised.v1", program="registry", schema=WarningRaisedV1,
    title_en="Return-to-poverty warning: {reason}", title_zh="防返贫监测预警：{reason}"))
HOUSEHOLD_SNAPSHOT = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.household.snapshot.v1", program="registry", schema=HouseholdSnapshotV1,
    title_en="Household file of {head_name}", title_zh="{head_name}户档案"))
ASSISTANCE_RECORDED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.assistance.recorded.v1", program="registry", schema=AssistanceRecordedV1,
    title_en="{title_en}", title_zh="{title_zh}"))
FILE_EVENTS = (IDENTIFIED.type, CHANGED.type, STATUS_CHANGED.type, WARNING_RAISED.type)


# --- poor villages, task forces and cadres (issue 16) ----------------------------------------
VILLAGE_CODE = validate.Regexp(r"^[0-9]{12}$")
TASK_FORCE_ID = validate.Regexp(r"^TF[0-9A-Z]{10}$")


class CadreAssignedV1(FileEventData):
    """A household's assistance cadre (帮扶责任人) assigned, or the current one ended (``cadre``
    None); ``ended``: the one it replaced, with its end."""
    cadre = fields.Dict(allow_none=True, required=True)
    ended = fields.Dict(allow_none=True, load_default=None)


class RecordV1(Schema):
    """A registry record other than a household file, as it is after the change (the whole
    record in ``file``), who changed it and why."""

    class Meta:
        unknown = RAISE

    recorded_by = fields.String(required=True, validate=validate.Length(min=1, max=100))
    version = fields.Integer(strict=True, required=True)
    file = fields.Dict(required=True)
    reason = fields.String(load_default="")


class VillageFileV1(RecordV1):
    """A poor village's file (贫困村)."""
    village_code = fields.String(required=True, validate=VILLAGE_CODE)
    change = fields.String(required=True, validate=validate.OneOf(("designated", "status", "collective_income")))
    from_status = fields.String(allow_none=True, load_default=None)
    to_status = fields.String(required=True)


class TaskForceV1(RecordV1):
    """A task force (驻村工作队)."""
    task_force_id = fields.String(required=True, validate=TASK_FORCE_ID)
    change = fields.String(required=True, validate=validate.OneOf(("formed", "stationed", "membership")))
    village_code = fields.String(allow_none=True, load_default=None, validate=VILLAGE_CODE)


CADRE_ASSIGNED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.household.cadre_assigned.v1", program="registry", schema=CadreAssignedV1,
    title_en="Assistance cadre assigned or ended: {reason}", title_zh="帮扶责任人变更：{reason}"))
VILLAGE_DESIGNATED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.village.designated.v1", program="registry", schema=VillageFileV1,
    title_en="Poor village {village_code} designated", title_zh="贫困村{village_code}识别建档"))
VILLAGE_CHANGED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.village.changed.v1", program="registry", schema=VillageFileV1,
    title_en="Poor village {village_code}: {change:label} ({to_status:label})",
    title_zh="贫困村{village_code}：{change:label}（{to_status:label}）"))
TASK_FORCE_FORMED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.task_force.formed.v1", program="registry", schema=TaskForceV1,
    title_en="Task force {task_force_id} formed", title_zh="驻村工作队{task_force_id}组建"))
TASK_FORCE_CHANGED = CATALOGUE.declare(EventType(
    type="cn.jingzhun.registry.task_force.changed.v1", program="registry", schema=TaskForceV1,
    title_en="Task force {task_force_id}: {change:label}", title_zh="驻村工作队{task_force_id}：{change:label}"))
# On the registry's topic with the other changes to household files.
FILE_EVENTS += (CADRE_ASSIGNED.type,)
# On the villages topic, keyed by village code or task force id.
VILLAGE_EVENTS = (VILLAGE_DESIGNATED.type, VILLAGE_CHANGED.type, TASK_FORCE_FORMED.type, TASK_FORCE_CHANGED.type)
