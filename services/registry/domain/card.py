"""The household card (建档立卡 明白卡): the programs' measures as a cadre reads them to the
family, and where the household stands on each exit criterion. Pure logic."""
from __future__ import annotations

from services.registry.domain.exit_rules import GUARANTEES

INCOME_CRITERION = "income_above_poverty_line"


def measures_by_program(entries: list[dict]) -> dict[str, list[dict]]:
    """The programs' history entries as measures, per program, newest first. The entries of one
    event type make one measure (a monthly sale is one measure taken many times): its latest
    entry's titles, how often it was taken, since when, and the income and money it added up to.
    The registry's own entries (file changes, exit steps) are not measures."""
    measures: dict[str, dict[str, dict]] = {}
    for entry in sorted(entries, key=lambda e: e["occurred_at"], reverse=True):
        if entry.get("program") == "registry":
            continue
        program = measures.setdefault(entry["program"], {})
        measure = program.get(entry["event_type"])
        if measure is None:
            measure = program[entry["event_type"]] = {
                "event_type": entry["event_type"], "title_en": entry.get("title_en", ""),
                "title_zh": entry.get("title_zh", ""), "times": 0, "last_at": entry["occurred_at"],
                "income_fen": 0, "amount_fen": 0}
        measure["times"] += 1
        measure["first_at"] = entry["occurred_at"]
        measure["income_fen"] += entry.get("income_fen") or 0
        measure["amount_fen"] += entry.get("amount_fen") or 0
    return {program: list(by_type.values()) for program, by_type in sorted(measures.items())}


def exit_criteria(income_per_capita_fen: int, guarantees: dict, poverty_line_fen: int) -> list[tuple[str, bool]]:
    """Each exit criterion (exit_rules.exit_problems says why one fails) and whether it holds:
    the income above the year's line, then the two no-worries and three guarantees."""
    return [(INCOME_CRITERION, income_per_capita_fen > poverty_line_fen)] + \
        [(g, bool((guarantees or {}).get(g))) for g in GUARANTEES]
