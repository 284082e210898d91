"""Relocation (易地扶贫搬迁) event types.

One relocation case per household, each step of its lifecycle an event about that household:
opened → housing allocated → moved in → employment arranged (follow-up support) → old house
demolished and land reclaimed; skills training and subsidies along the way. Moving in moves
the household's file in the registry to the resettlement site's village
(``moves_household_to``), through the registry's change-request path."""
from marshmallow import fields, validate

from shared.events.catalogue import CATALOGUE, EventType
from shared.events.types.common import EventData, Fen, declare_enrolment

SITE_KINDS = ("centralized", "dispersed")              # 集中安置 / 分散安置
STAGES = ("enrolled", "housing_allocated", "moved_in", "supported", "reclaimed")
SUBSIDY_KINDS = ("housing", "moving", "follow_up", "reclamation")
RISK_NO_EMPLOYMENT = "relocated_without_employment"
VILLAGE = r"^[0-9]{12}$"


def _text(max_len=200, **kw):
    return fields.String(required=True, validate=validate.Length(min=1, max=max_len), **kw)


class RelocationCaseData(EventData):
    case_id = _text(64)
    site_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    site_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class RelocationCaseOpenedV1(RelocationCaseData):
    people = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=50))
    origin_village_code = fields.String(required=True, validate=validate.Regexp(VILLAGE))
    origin_village = _text(50)


class RelocationHousingAllocatedV1(RelocationCaseData):
    unit = _text(50)
    area_m2 = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10_000))
    people = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=50))
    self_paid_fen = Fen(required=True)
    allocated_on = fields.Date(required=True)


class RelocationMovedInV1(RelocationCaseData):
    unit = _text(50)
    moved_in_on = fields.Date(required=True)
    from_village_code = fields.String(required=True, validate=validate.Regexp(VILLAGE))
    site_village_code = fields.String(required=True, validate=validate.Regexp(VILLAGE))
    site_township = _text(50)
    site_village = _text(50)


class RelocationEmploymentArrangedV1(RelocationCaseData):
    member_name = _text(100)
    employer = _text(200)
    job = _text(100)
    started_on = fields.Date(required=True)
    monthly_wage_fen = Fen(load_default=0)


class RelocationTrainingCompletedV1(RelocationCaseData):
    member_name = _text(100)
    course = _text(200)
    days = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=365))
    completed_on = fields.Date(required=True)


class RelocationLandReclaimedV1(RelocationCaseData):
    demolished_on = fields.Date(required=True)
    reclaimed_on = fields.Date(required=True)
    land_m2 = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=1_000_000))


class RelocationSubsidyPaidV1(RelocationCaseData):
    subsidy_id = _text(64)
    kind = fields.String(required=True, validate=validate.OneOf(SUBSIDY_KINDS))
    amount_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**10))
    paid_on = fields.Date(required=True)


class RelocationNoEmploymentV1(RelocationCaseData):
    moved_in_on = fields.Date(required=True)
    months = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))
    checked_on = fields.Date(required=True)


def _declare(name, schema, title_en, title_zh, **kw) -> EventType:
    return CATALOGUE.declare(EventType(type=f"cn.jingzhun.relocation.{name}.v1", program="relocation",
                                       schema=schema, title_en=title_en, title_zh=title_zh, **kw))


CASE_OPENED = _declare(
    "case.opened", RelocationCaseOpenedV1,
    "Relocation case {case_id} opened: {people} people to move out of {origin_village}",
    "建立易地扶贫搬迁档案{case_id}：{origin_village}{people}人搬迁",
    summary_set=(("relocation_stage", "enrolled"),))
HOUSING_ALLOCATED = _declare(
    "housing.allocated", RelocationHousingAllocatedV1,
    "Housing allocated at {site_name}: unit {unit}, {area_m2} m² for {people} people, self-paid ¥{self_paid_fen:yuan}",
    "分配安置住房：{site_name}{unit}，{area_m2}平方米（{people}人），自筹 ¥{self_paid_fen:yuan}",
    summary_set=(("relocation_stage", "housing_allocated"),), occurred_on="allocated_on")
MOVED_IN = _declare(
    "case.moved_in", RelocationMovedInV1,
    "Moved in to {site_name} ({site_village}), unit {unit}, on {moved_in_on}",
    "{moved_in_on}搬迁入住{site_name}（{site_village}）{unit}",
    summary_set=(("relocation_stage", "moved_in"),),
    moves_household_to=(("village_code", "site_village_code"), ("township", "site_township"),
                        ("village", "site_village")), occurred_on="moved_in_on")
EMPLOYMENT_ARRANGED = _declare(
    "employment.arranged", RelocationEmploymentArrangedV1,
    "Employment arranged for {member_name}: {job} at {employer}, from {started_on}",
    "后续扶持：{member_name}在{employer}就业（{job}），{started_on}起",
    summary_set=(("relocation_stage", "supported"),), occurred_on="started_on")
TRAINING_COMPLETED = _declare(
    "training.completed", RelocationTrainingCompletedV1,
    "Skills training of {member_name}: {course}, {days} days",
    "{member_name}参加技能培训：{course}，{days}天", occurred_on="completed_on")
LAND_RECLAIMED = _declare(
    "land.reclaimed", RelocationLandReclaimedV1,
    "Old house demolished on {demolished_on}, {land_m2} m² of land reclaimed on {reclaimed_on}",
    "{demolished_on}拆除旧房，{reclaimed_on}复垦土地{land_m2}平方米",
    summary_set=(("relocation_stage", "reclaimed"),), occurred_on="reclaimed_on")
SUBSIDY_PAID = _declare(
    "subsidy.paid", RelocationSubsidyPaidV1,
    "Relocation subsidy ({kind:label}) paid: ¥{amount_fen:yuan}",
    "发放易地扶贫搬迁补助（{kind:label}）¥{amount_fen:yuan}",
    amount_field="amount_fen", occurred_on="paid_on")
NO_EMPLOYMENT = _declare(
    "case.no_employment", RelocationNoEmploymentV1,
    "Relocated on {moved_in_on} and no job arranged after {months} months",
    "{moved_in_on}搬迁入住，{months}个月仍未实现就业",
    risk=RISK_NO_EMPLOYMENT, occurred_on="checked_on")

ENROLLED, ENROLMENT_ENDED = declare_enrolment("relocation", "relocation", "易地扶贫搬迁")
