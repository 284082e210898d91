"""Poor villages (贫困村), their task forces (驻村工作队) and the cadres assigned to households
(帮扶责任人): the rules, free of Flask and the store.

A village file's status follows the household's first steps: identified → assisted →
exit_proposed → exited; a proposal sent back returns to assisted. (Whether a village may
exit — its incidence against the threshold, the county's assessment — is the village-exit
workflow's business, not this file's.)"""
from __future__ import annotations

from datetime import date

from shared.messages import N_, Code, Codes, Message

VILLAGE_STATUSES = ("identified", "assisted", "exit_proposed", "exited")
VILLAGE_TRANSITIONS = {"identified": ("assisted",), "assisted": ("exit_proposed",),
                       "exit_proposed": ("exited", "assisted"), "exited": ()}
# The infrastructure a poor village lacks, as the 2014 report lists it.
GAPS = ("road", "drinking_water", "power", "broadband", "clinic", "school")
# Households counted as poor: on file and not (yet) out of poverty, nor removed.
POOR_STATUSES = ("identified", "assisted", "exit_proposed", "township_checked", "public_notice", "returned")
# Villages that still count as poor villages for coverage: not exited.
POOR_VILLAGE_STATUSES = ("identified", "assisted", "exit_proposed")


# The codes of stationing_problem's messages: the input at fault and the HTTP status each refuses with.
END_BEFORE_START, ALREADY_STATIONED = "end_before_start", "already_stationed"


class VillageRefused(ValueError):
    """A change the rules do not allow; ``said`` (a Message) says why."""

    def __init__(self, said: Message):
        super().__init__(str(said))
        self.said = said


def status_problem(current: str, wanted: str) -> Message | None:
    """Why a village file may not go from ``current`` to ``wanted``, or None."""
    if wanted not in VILLAGE_TRANSITIONS.get(current, ()):
        allowed = Codes(VILLAGE_TRANSITIONS.get(current, ())) or Code(N_("none"))
        return Message("status_not_possible", N_("a village %(current)s cannot become %(wanted)s (allowed: %(allowed)s)"),
                       {"current": Code(current), "wanted": Code(wanted), "allowed": allowed})
    return None


def counts_by_status(statuses: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts


def stationed_on(stationing: dict, day: date) -> bool:
    """Is a stationing ({village_code, from, to}: ISO dates, to None while open) current on ``day``?"""
    start, end = stationing["from"], stationing.get("to")
    return start <= day.isoformat() and (end is None or day.isoformat() <= end)


def stationing_problem(stationings: list[dict], new: dict) -> Message | None:
    """Why a task force may not be stationed so: the dates backwards (END_BEFORE_START), or the
    same village already held by this task force over an overlapping time (ALREADY_STATIONED)."""
    if new.get("to") and new["to"] < new["from"]:
        return Message(END_BEFORE_START, N_("the end is before the start"))
    for held in stationings:
        if held["village_code"] != new["village_code"]:
            continue
        if (held.get("to") is None or new["from"] <= held["to"]) and (new.get("to") is None or held["from"] <= new["to"]):
            return Message(ALREADY_STATIONED, N_("already stationed in %(village)s from %(start)s to %(end)s"),
                           {"village": new["village_code"], "start": held["from"], "end": held.get("to") or Code(N_("now"))})
    return None


def reassigned(cadre: dict | None, history: list[dict], new: dict | None, on: str, by: str, reason: str):
    """The household's current cadre and history after assigning ``new`` (None: ending the
    current one) on ``on``: the current one, if any, moves to the history with its end."""
    if cadre is None and new is None:
        raise VillageRefused(Message("no_cadre", N_("the household has no current cadre to end")))
    history = list(history)
    if cadre is not None:
        history.append({**cadre, "until": on, "ended_by": by, "end_reason": reason})
    current = {**new, "since": on, "assigned_by": by, "reason": reason} if new is not None else None
    return current, history


def coverage(villages: list[dict], stationed: set[str], poor_households: int, without_cadre: int,
             household_gaps: list[dict], listed: int = 500) -> dict:
    """Coverage of an area: poor villages with a task force stationed now (``stationed``: their
    codes), poor households with a current cadre — the figures and the gaps.

    ``villages``: the poor villages ({village_code, name, …}); ``poor_households``: how many
    poor households; ``without_cadre``: how many of them have no cadre, ``household_gaps``
    those listed (a province has hundreds of thousands); ``listed``: how many villages without
    a task force to list at most (all are counted)."""
    village_gaps = [v for v in villages if v["village_code"] not in stationed]
    covered = len(villages) - len(village_gaps)
    return {"villages": len(villages), "villages_covered": covered, "village_share": _share(covered, len(villages)),
            "villages_without_task_force": len(village_gaps), "village_gaps": village_gaps[:listed],
            "households": poor_households, "households_covered": poor_households - without_cadre,
            "household_share": _share(poor_households - without_cadre, poor_households),
            "households_without_cadre": without_cadre, "household_gaps": household_gaps}


def _share(part: int, whole: int) -> float:
    """The covered share; an area with nothing to cover is fully covered."""
    return round(part / whole, 4) if whole else 1.0
