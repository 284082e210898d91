"""Request and response schemas of the registry API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.occurrence import check_day
from shared.web.schemas import PageQuerySchema, StrictSchema, page_schema
from services.registry.domain.areas import code_problem
from services.registry.domain.change_requests import KINDS
from services.registry.domain.exit_rules import GUARANTEES, STATUSES, TRANSITIONS
from services.registry.domain.warning_life import STEPS as WARNING_STEPS
from services.registry.domain.households import (CAUSES, EDUCATION, HEALTH, LABOUR, RELATIONS, SCHOOLING, SEXES,
                                                 member_problems)
from shared.messages import N_

STEPS = sorted({step for steps in TRANSITIONS.values() for step in steps})


def official_area(code: str) -> None:
    """A code written like an official area's (services/registry/domain/areas.code_problem);
    its length and digits are the field's pattern's to refuse."""
    problem = code_problem(code) if code.isdigit() and len(code) in (6, 9, 12) else None
    if problem:
        raise ValidationError(problem)


VillageCode = lambda **kw: fields.String(validate=[validate.Regexp(r"^[0-9]{12}$", error=N_("12 digits (village code).")),  # noqa: E731
                                                   official_area], **kw)


def past_day(day) -> None:
    """A back-dated record's day: not in the future, not before the programme began."""
    problem = check_day(day)
    if problem:
        raise ValidationError(problem)


class MemberSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    birth_year = fields.Integer(strict=True, required=True, validate=validate.Range(min=1900, max=2100))
    health = fields.String(load_default="healthy", validate=validate.OneOf(HEALTH))
    education = fields.String(load_default="none", validate=validate.OneOf(EDUCATION))
    labour = fields.String(load_default="full", validate=validate.OneOf(LABOUR))
    schooling = fields.String(load_default="not_applicable", validate=validate.OneOf(SCHOOLING))
    id_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=18),
                              metadata={"description": "18-character resident ID number; stored encrypted, shown masked"})


class GuaranteesSchema(StrictSchema):
    food = fields.Boolean(load_default=False)
    clothing = fields.Boolean(load_default=False)
    compulsory_education = fields.Boolean(load_default=False)
    basic_medical = fields.Boolean(load_default=False)
    safe_housing = fields.Boolean(load_default=False)


class CadreSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(load_default="", validate=validate.Regexp(r"^[0-9+\- ]{0,20}$"))


class HouseholdCreateSchema(StrictSchema):
    village_code = VillageCode(required=True)
    township = fields.String(required=True, validate=validate.Length(min=1, max=50))
    village = fields.String(required=True, validate=validate.Length(min=1, max=50))
    main_cause = fields.String(required=True, validate=validate.OneOf(CAUSES))
    secondary_causes = fields.List(fields.String(validate=validate.OneOf(CAUSES)), load_default=list)
    income_per_capita_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**9))
    guarantees = fields.Nested(GuaranteesSchema, load_default=lambda: {g: False for g in GUARANTEES})
    cadre = fields.Nested(CadreSchema, load_default=None, allow_none=True)
    members = fields.List(fields.Nested(MemberSchema), required=True, validate=validate.Length(min=1, max=30))
    identified_on = fields.Date(load_default=None, validate=past_day, metadata={
        "description": "the day the household was identified, when its paper file is typed in later (default today)"})

    @validates_schema
    def _members(self, data, **kwargs):
        problems = member_problems(data.get("members", []))
        if problems:
            raise ValidationError({"members": problems})


class MemberOutSchema(Schema):
    member_id = fields.String()
    name = fields.String()
    relation = fields.String()
    sex = fields.String()
    birth_year = fields.Integer()
    health = fields.String()
    education = fields.String()
    labour = fields.String()
    schooling = fields.String()
    id_number = fields.String(metadata={"description": "masked unless your role may see it"})


class ProgramSummarySchema(Schema):
    status = fields.String()
    events = fields.Integer()
    income_fen = fields.Integer()
    amount_fen = fields.Integer()


class SummarySchema(Schema):
    events = fields.Integer()
    total_income_fen = fields.Integer()
    total_amount_fen = fields.Integer()
    loans_outstanding_fen = fields.Integer()
    relocation_stage = fields.String(allow_none=True)
    programs = fields.Dict(keys=fields.String(), values=fields.Nested(ProgramSummarySchema))


class WarningStepEntrySchema(Schema):
    step = fields.String()
    by = fields.String()
    at = fields.String()
    note = fields.String()
    assigned_to = fields.String()
    measures = fields.List(fields.String())
    closed_reason = fields.String()


class WarningSchema(Schema):
    risk = fields.String()
    event_id = fields.String(metadata={"description": "the event that raised it: also the warning's id"})
    title_en = fields.String()
    title_zh = fields.String()
    raised_at = fields.String()
    open = fields.Boolean()
    status = fields.String(metadata={"description": "open, acknowledged, closed or returned (to poverty)"})
    assigned_to = fields.String()
    measures = fields.List(fields.String(), metadata={"description": "ids of the household's assistance "
                                                                     "events (history entries) linked to it"})
    closed_reason = fields.String()
    steps = fields.List(fields.Nested(WarningStepEntrySchema))


class WarningDetailSchema(WarningSchema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    county_code = fields.String()
    village_code = fields.String()
    overdue = fields.Boolean(metadata={"description": "still open past the deadline (WARNING_DEADLINE_DAYS)"})
    deadline_days = fields.Integer()


class WarningStepSchema(StrictSchema):
    step = fields.String(required=True, validate=validate.OneOf(WARNING_STEPS))
    note = fields.String(load_default="", validate=validate.Length(max=500),
                         metadata={"description": "required to close or to return to poverty: the reason"})
    assignee = fields.String(load_default="", validate=validate.Length(max=64),
                             metadata={"description": "assign: the user name of the person following it up"})
    measures = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list,
                           validate=validate.Length(max=50),
                           metadata={"description": "link_measures: ids of the household's history entries"})


class HouseholdSchema(Schema):
    id = fields.String(attribute="_id")
    version = fields.Integer()
    status = fields.String()
    head_name = fields.String()
    head_member_id = fields.String()
    county_code = fields.String()
    village_code = fields.String()
    township = fields.String()
    village = fields.String()
    area = fields.Dict(keys=fields.String(), values=fields.String())
    main_cause = fields.String()
    secondary_causes = fields.List(fields.String())
    income_per_capita_fen = fields.Integer()
    guarantees = fields.Dict(keys=fields.String(), values=fields.Boolean())
    cadre = fields.Dict(allow_none=True, metadata={"description": "the current assistance cadre (帮扶责任人)"})
    cadre_history = fields.List(fields.Dict(), metadata={"description": "the earlier cadres, with their end"})
    members = fields.List(fields.Nested(MemberOutSchema))
    exit = fields.Dict(allow_none=True)
    removed_reason = fields.String()
    identified_on = fields.String(metadata={"description": "the day of identification, when typed in later"})
    created_at = fields.String()
    created_by = fields.String()
    updated_at = fields.String()
    updated_by = fields.String()
    summary = fields.Nested(SummarySchema)
    warnings = fields.List(fields.Nested(WarningSchema))


class AsOfSchema(HouseholdSchema):
    as_of = fields.String()


class HouseholdQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=50), metadata={"description": "head of household name starts with"})
    area = fields.String(validate=validate.Regexp(r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$"),
                         metadata={"description": "county (6), township (9) or village (12 digits) code"})
    status = fields.String(validate=validate.OneOf(STATUSES))


HouseholdPageSchema = page_schema(HouseholdSchema, "HouseholdPage")


class AsOfQuerySchema(StrictSchema):
    date = fields.Date(required=True)


class TimelineEntrySchema(Schema):
    event_id = fields.String(attribute="_id")
    event_type = fields.String()
    program = fields.String()
    occurred_at = fields.String()
    recorded_by = fields.String()
    title_en = fields.String()
    title_zh = fields.String()
    income_fen = fields.Integer()
    amount_fen = fields.Integer()
    data = fields.Dict()


class ChangeRequestCreateSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    payload = fields.Dict(required=True, metadata={"description": "what to change; its shape depends on the kind"})


class ChangeRequestSchema(Schema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    county_code = fields.String()
    kind = fields.String()
    payload = fields.Dict()
    reason = fields.String()
    status = fields.String()
    proposed_by = fields.String()
    proposed_at = fields.String()
    decided_by = fields.String()
    decided_at = fields.String()
    decision_note = fields.String()
    applied_to = fields.List(fields.String())
    source_event_id = fields.String(metadata={"description": "the event a system change was made for"})
    refusal = fields.String(metadata={"description": "why a system change could not be applied"})


class ChangeRequestQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(("proposed", "approved", "rejected", "applied", "refused")))
    household_id = fields.String()


class DecisionSchema(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ExitStepSchema(StrictSchema):
    step = fields.String(required=True, validate=validate.OneOf(STEPS))
    reason = fields.String(load_default="", validate=validate.Length(max=500))
    on = fields.Date(load_default=None, validate=past_day, metadata={
        "description": "the day the step was taken, when it is recorded later (default today); "
                       "not before the household's last step"})


class ObjectionSchema(Schema):
    id = fields.String(attribute="_id")
    household_id = fields.String()
    name = fields.String()
    contact = fields.String()
    text = fields.String()
    lodged_at = fields.String()
    notice_until = fields.String(allow_none=True)


class ExitAssessmentSchema(Schema):
    household_id = fields.String()
    year = fields.Integer()
    poverty_line_fen = fields.Integer()
    income_per_capita_fen = fields.Integer(metadata={"description": "as typed into the file"})
    recorded_income_fen = fields.Integer(metadata={
        "description": "programme income the registry recorded for the household in the last 365 days"})
    recorded_per_capita_fen = fields.Integer(metadata={"description": "the same per member"})
    income_gap = fields.Boolean(metadata={
        "description": "recorded programme income per person above the typed income by more than 10 %: check it"})
    guarantees = fields.Dict()
    eligible = fields.Boolean()
    problems = fields.List(fields.String(), metadata={"description": "why the household cannot exit yet, in English"})
    problem_codes = fields.Function(lambda a: [p.code for p in a["problems"]], metadata={
        "description": "the same reasons as codes: income_not_above_line, not_guaranteed"})
    status = fields.String()
    possible_steps = fields.List(fields.String())
    objections = fields.List(fields.Nested(ObjectionSchema), metadata={
        "description": "objections lodged on the public notice page (the object step can send the exit back)"})


class ProgramBenefitSchema(Schema):
    program = fields.String()
    status = fields.String()
    events = fields.Integer()
    income_fen = fields.Integer()
    amount_fen = fields.Integer()


class EnrolmentsSchema(Schema):
    """In the spirit of the DCI Integrated Beneficiary Registry: programs and benefits."""
    household_id = fields.String()
    status = fields.String()
    programs = fields.List(fields.Nested(ProgramBenefitSchema))
    total_income_fen = fields.Integer()
    loans_outstanding_fen = fields.Integer()
    relocation_stage = fields.String(allow_none=True)


# --- change request payloads, one schema per kind ---------------------------------------
class _MemberFieldsSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=50))
    relation = fields.String(validate=validate.OneOf(RELATIONS))
    sex = fields.String(validate=validate.OneOf(SEXES))
    birth_year = fields.Integer(strict=True, validate=validate.Range(min=1900, max=2100))
    health = fields.String(validate=validate.OneOf(HEALTH))
    education = fields.String(validate=validate.OneOf(EDUCATION))
    labour = fields.String(validate=validate.OneOf(LABOUR))
    schooling = fields.String(validate=validate.OneOf(SCHOOLING))


class _FileFieldsSchema(StrictSchema):
    main_cause = fields.String(validate=validate.OneOf(CAUSES))
    secondary_causes = fields.List(fields.String(validate=validate.OneOf(CAUSES)))
    income_per_capita_fen = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**9))
    guarantees = fields.Nested(GuaranteesSchema)
    cadre = fields.Nested(CadreSchema)


MemberRef = lambda: fields.String(required=True, validate=validate.Regexp(r"^M[0-9A-F]{12}$"))  # noqa: E731

PAYLOAD_SCHEMAS = {
    "edit_fields": Schema.from_dict({"fields": fields.Nested(_FileFieldsSchema, required=True)}, name="EditFields"),
    "edit_member": Schema.from_dict({"member_id": MemberRef(), "fields": fields.Nested(_MemberFieldsSchema, required=True)},
                                    name="EditMember"),
    "add_member": Schema.from_dict({"member": fields.Nested(MemberSchema, required=True)}, name="AddMember"),
    "remove_member": Schema.from_dict({"member_id": MemberRef()}, name="RemoveMember"),
    "transfer_member": Schema.from_dict({"member_id": MemberRef(), "to_household_id": fields.String(required=True)},
                                        name="TransferMember"),
    "split": Schema.from_dict({"member_ids": fields.List(MemberRef(), required=True, validate=validate.Length(min=1)),
                               "new_head_member_id": MemberRef()}, name="Split"),
    "change_head": Schema.from_dict({"member_id": MemberRef(),
                                     "old_head_relation": fields.String(load_default="spouse",
                                                                        validate=validate.OneOf(RELATIONS))},
                                    name="ChangeHead"),
    "move_area": Schema.from_dict({"village_code": VillageCode(required=True),
                                   "township": fields.String(required=True, validate=validate.Length(min=1, max=50)),
                                   "village": fields.String(required=True, validate=validate.Length(min=1, max=50))},
                                  name="MoveArea"),
    "remove_household": Schema.from_dict({"reason": fields.String(required=True, validate=validate.Length(min=1, max=500))},
                                         name="RemoveHousehold"),
}
