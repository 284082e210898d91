"""Exit (脱贫) criteria and the exit / return-to-poverty workflow. Pure logic.

A household may be proposed for exit when its per-capita net income is above the year's
poverty line AND the two no-worries and three guarantees (两不愁三保障) all hold. The
procedure: village proposal and democratic review → township check → county approval →
public notice (公示, 7 days by default) without valid objection → exited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.messages import N_, Code, Codes, Message

# Poverty line, yuan per person per year at current prices (2,300 yuan at 2010 prices).
# A setting: POVERTY_LINES="2014:2800,2015:2855,…" overrides it.
DEFAULT_POVERTY_LINES_YUAN = {2010: 2300, 2011: 2536, 2012: 2625, 2013: 2736, 2014: 2800, 2015: 2855,
                              2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000}
GUARANTEES = ("food", "clothing", "compulsory_education", "basic_medical", "safe_housing")
NOTICE_DAYS = 7

POOR = ("identified", "assisted", "returned")
# status → {step: new status}
TRANSITIONS = {
    "identified": {"propose_exit": "exit_proposed", "start_assistance": "assisted"},
    "assisted": {"propose_exit": "exit_proposed"},
    "returned": {"propose_exit": "exit_proposed"},
    "exit_proposed": {"township_check": "township_checked", "reject_exit": "assisted"},
    "township_checked": {"county_approve": "public_notice", "reject_exit": "assisted"},
    "public_notice": {"object": "assisted", "finish_notice": "exited"},
    "exited": {"return_to_poverty": "returned"},
    "removed": {},   # a wrongly identified household, removed through a change request
}
# Who may take a step: proposing and objecting are the village's; the rest the county's.
PROPOSING_STEPS = ("propose_exit", "object")
STATUSES = tuple(TRANSITIONS)


# The exit check sets the income typed into the file beside the programme income the registry
# recorded for the household over the last twelve months (issue 18). The typed income includes
# every source, so programme income alone above it (by more than this share) cannot be right:
# the checker is told to look before deciding. Below it is normal (wages, farming).
INCOME_GAP_PERCENT = 10


def income_comparison(typed_per_capita_fen: int, recorded_fen: int, members: int,
                      tolerance_percent: int = INCOME_GAP_PERCENT) -> dict:
    """The recorded programme income (the household's, and per person) and whether it is above
    the typed per-capita income by more than ``tolerance_percent``."""
    per_capita = recorded_fen // max(members, 1)
    return {"recorded_income_fen": recorded_fen, "recorded_per_capita_fen": per_capita,
            "income_gap": per_capita * 100 > typed_per_capita_fen * (100 + tolerance_percent)}


# Separation of duties (issue 18): who took an earlier step of the same exit may not take
# these; the central office may, with a reason on record.
SEPARATION_OF_DUTIES = "separation_of_duties"   # the reason code of such a refusal
OTHER_PERSON = {"township_check": ("propose_exit",), "county_approve": ("propose_exit", "township_check")}
DUTY_TEXTS = {
    "propose_exit": N_("%(actor)s proposed the exit; another person must take the step '%(step)s' "
                       "(the central office may, giving a reason)"),
    "township_check": N_("%(actor)s checked it; another person must take the step '%(step)s' "
                         "(the central office may, giving a reason)"),
}


def duty_problem(step: str, actor: str, taken_by: dict, central_with_reason: bool = False) -> Message | None:
    """Why ``actor`` may not take ``step`` of an exit whose earlier steps ``taken_by``
    ({step: user}) names, or None."""
    if central_with_reason:
        return None
    for earlier in OTHER_PERSON.get(step, ()):
        if taken_by.get(earlier) == actor:
            return Message(SEPARATION_OF_DUTIES, DUTY_TEXTS[earlier], {"actor": actor, "step": Code(step)})
    return None


def change_duty_problem(proposed_by: str, actor: str, central_with_note: bool = False) -> Message | None:
    """Why ``actor`` may not approve a change request ``proposed_by`` proposed, or None."""
    if actor == proposed_by and not central_with_note:
        return Message(SEPARATION_OF_DUTIES, N_("Who proposed a change may not approve it; another person must (the "
                                                "central office may, with a note)."))
    return None


class StepRefused(ValueError):
    """An illegal or premature workflow step; ``said`` (a Message) says why."""

    def __init__(self, said: Message):
        super().__init__(str(said))
        self.said = said


class DutyRefused(StepRefused):
    """A step this person may not take (separation of duties); the message says why."""


def parse_lines(setting: str) -> dict[int, int]:
    """'2014:2800,2020:4000' → {2014: 2800, 2020: 4000}"""
    lines = {}
    for part in filter(None, (p.strip() for p in setting.split(","))):
        year, _, yuan = part.partition(":")
        lines[int(year)] = int(yuan)
    return lines


def poverty_line_fen(year: int, lines: dict[int, int] | None = None) -> int:
    """The line for a year; a year after the table uses its last line."""
    table = lines or DEFAULT_POVERTY_LINES_YUAN
    known = [y for y in table if y <= year]
    if not known:
        raise ValueError(f"no poverty line for {year} or earlier")
    return table[max(known)] * 100


# The reasons a household cannot exit yet, by code (the API's problem_codes).
INCOME_NOT_ABOVE_LINE = "income_not_above_line"
NOT_GUARANTEED = "not_guaranteed"


def exit_problems(income_per_capita_fen: int, guarantees: dict, year: int, lines: dict | None = None) -> list[Message]:
    """Why the household cannot exit yet (empty list: it meets the criteria)."""
    problems = []
    line = poverty_line_fen(year, lines)
    if income_per_capita_fen <= line:
        problems.append(Message(INCOME_NOT_ABOVE_LINE, N_(
            "per-capita income %(income)s yuan is not above the %(year)s poverty line of %(line)s yuan"),
            {"income": f"{income_per_capita_fen / 100:.2f}", "year": year, "line": f"{line / 100:.2f}"}))
    missing = [g for g in GUARANTEES if not guarantees.get(g)]
    if missing:
        problems.append(Message(NOT_GUARANTEED, N_("not yet guaranteed: %(guarantees)s"),
                                {"guarantees": Codes(Code(g) for g in missing)}))
    return problems


@dataclass(frozen=True)
class Step:
    step: str
    from_status: str
    to_status: str
    notice_until: str | None = None


def next_step(status: str, step: str, today: date, notice_until: str | None = None,
              notice_days: int = NOTICE_DAYS) -> Step:
    allowed = TRANSITIONS.get(status, {})
    if step not in allowed:
        if not allowed:
            raise StepRefused(Message("step_not_possible", N_("'%(step)s' is not possible for a household that is "
                                                              "%(status)s; possible: nothing"),
                                      {"step": Code(step), "status": Code(status)}))
        raise StepRefused(Message("step_not_possible", N_("'%(step)s' is not possible for a household that is "
                                                          "%(status)s; possible: %(possible)s"),
                                  {"step": Code(step), "status": Code(status), "possible": Codes(map(Code, allowed))}))
    if step == "finish_notice" and notice_until and today < date.fromisoformat(notice_until):
        raise StepRefused(Message("notice_running", N_("the public notice runs until %(until)s"),
                                  {"until": notice_until}))
    until = (today + timedelta(days=notice_days)).isoformat() if step == "county_approve" else None
    return Step(step, status, allowed[step], until)


def is_poor(status: str) -> bool:
    """Counts in the poor population (for incidence) — exit in progress still counts."""
    return status in POOR or status in ("exit_proposed", "township_checked", "public_notice")


def incidence(poor_people: int, population: int) -> float:
    return poor_people / population if population else 0.0


def today_utc() -> date:
    return datetime.utcnow().date()
