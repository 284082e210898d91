"""What a household's card (建档立卡 明白卡) says, gathered from the registry: the areas by their
official names, the measures per program, the income of this year, the exit assessment and
the task force stationed in the village (the assigned cadre is in the file).
Free of Flask: the pages mask the members and lay it out (services/registry/ui/card_*.py)."""
from __future__ import annotations

from services.registry.domain.card import exit_criteria, measures_by_program
from services.registry.domain.exit_rules import income_comparison

# A card lists every measure; the history of one household is read up to this many entries.
HISTORY_LIMIT = 5000
# A village's cards in one go: at most this many files (the page says when there are more).
VILLAGE_LIMIT = 500


def card_facts(registry, household: dict) -> dict:
    """The card of ``household`` (a file as the registry reads it, with its summary)."""
    assessment = registry.exit_assessment(household)
    year = assessment["year"]
    this_year = registry.history.programme_income_since(household["_id"], f"{year}-01-01T00:00:00Z")
    members = len(household.get("members") or [])
    return {
        "areas": registry.dashboards.breadcrumbs(household["village_code"]),
        "measures": measures_by_program(registry.history.timeline(household["_id"], HISTORY_LIMIT)),
        "income_this_year": income_comparison(household["income_per_capita_fen"], this_year, members),
        "assessment": assessment,
        "criteria": exit_criteria(household["income_per_capita_fen"], household.get("guarantees") or {},
                                  assessment["poverty_line_fen"]),
        # The task forces stationed in the household's village today (驻村工作队).
        "task_forces": registry.villages.stationed_in(household["village_code"]),
    }


def village_files(registry, scope: dict, village_code: str) -> tuple[list[dict], int]:
    """The files of a village a person may see, in the list's order, without the removed ones
    (wrongly identified: no card); and how many there are."""
    files, total = registry.search(scope, None, village_code, None, 0, VILLAGE_LIMIT)
    return [f for f in files if f["status"] != "removed"], total
