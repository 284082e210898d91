"""Household files (建档立卡): vocabularies and the rules a new file must meet. Pure logic."""
from __future__ import annotations

from shared.household_ids import county_of, new_household_id  # noqa: F401  (re-exported)
from services.registry.domain import id_numbers
from services.registry.domain.exit_rules import GUARANTEES
from shared.messages import N_
from shared.validation_messages import templated

CAUSES = ("illness", "disability", "schooling", "disaster", "lack_of_land", "lack_of_water",
          "lack_of_skills", "lack_of_labour", "lack_of_funds", "poor_transport", "lack_of_motivation")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")
SEXES = ("female", "male")
HEALTH = ("healthy", "chronic_illness", "serious_illness", "disabled")
EDUCATION = ("none", "primary", "junior_secondary", "senior_secondary", "vocational", "tertiary")
LABOUR = ("full", "partial", "none")
SCHOOLING = ("not_applicable", "preschool", "in_school", "dropped_out", "graduated")
# Statuses and their order of the exit workflow live in exit_rules.
# Fields set by the consumer from events, not by people: never part of a file snapshot.
# version_time: when the file's current version took effect (its file event's time, which a
# change recorded later dates back); kept beside the file, not in its snapshots.
DERIVED_FIELDS = ("summary", "applied", "warnings", "outbox", "outbox_pending", "outbox_rev", "version_time")


def new_summary() -> dict:
    return {"total_income_fen": 0, "total_amount_fen": 0, "events": 0, "programs": {},
            "loans_outstanding_fen": 0, "relocation_stage": None}


SAME_ID_NUMBER = templated(N_("The same ID number as member %(member)s."))   # said on pages in their language


def member_problems(members: list[dict]) -> dict:
    """Field errors across members: one head, ID numbers valid, unique and matching the birth year."""
    errors: dict = {}
    heads = [i for i, m in enumerate(members) if m.get("relation") == "head"]
    if len(heads) != 1:
        errors["_schema"] = [N_("A household has exactly one head (relation 'head').")]
    seen = {}
    for i, member in enumerate(members):
        number = member.get("id_number")
        if not number:
            continue
        problem = id_numbers.problem(number)
        if problem is None and id_numbers.birth_year(number) != member.get("birth_year"):
            problem = N_("The birth year does not match the ID number.")
        if problem is None and id_numbers.normalise(number) in seen:
            problem = SAME_ID_NUMBER % {"member": seen[id_numbers.normalise(number)]}
        if problem:
            errors.setdefault(i, {})["id_number"] = [problem]
        seen.setdefault(id_numbers.normalise(number), i)
    return errors


def file_of(doc: dict) -> dict:
    """The file as people keep it: the document without what is derived from events."""
    return {k: v for k, v in doc.items() if k not in DERIVED_FIELDS}


# Where a household is counted and what its status is, which version of its file says so and
# since when (``since``: the time that version took effect): what the consumer keeps per household.
PLACE_FIELDS = ("status", "village_code", "county_code", "village", "area", "version")


def counted_place(doc: dict, since: str | None = None) -> dict:
    """The place of a file (or of a stored place); ``since``: when its version took effect
    (default: the file's own ``version_time``, else when it was written)."""
    place = {k: doc[k] for k in PLACE_FIELDS if k in doc}
    since = since or doc.get("since") or doc.get("version_time") or doc.get("updated_at")
    if since:
        place["since"] = since
    return place


def place_at(time: str, current: dict, versions: list[dict]) -> dict:
    """The place an event of ``time`` is counted in: the file's version that had taken effect
    by then. ``current`` is the newest place known; ``versions`` the household's stored
    versions ({valid_from, file}, any order). An event older than every version counts in the
    oldest; with no versions known, in ``current``."""
    if time >= (current.get("since") or ""):
        return current
    known = sorted((counted_place(v["file"], v["valid_from"]) for v in versions), key=lambda p: p["since"])
    before = [p for p in known if p["since"] <= time]
    return before[-1] if before else (known[0] if known else current)


def place_of(doc: dict) -> dict:
    return {"status": doc["status"], "village_code": doc["village_code"], "people": len(doc["members"])}


def default_guarantees() -> dict:
    return {g: False for g in GUARANTEES}
