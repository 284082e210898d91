"""Household files: ids, causes of poverty, statuses. Pure logic, no framework."""
from __future__ import annotations

from shared.household_ids import county_of, new_household_id  # noqa: F401  (re-exported)

CAUSES = ("illness", "disability", "schooling", "disaster", "lack_of_land", "lack_of_water",
          "lack_of_skills", "lack_of_labour", "lack_of_funds", "poor_transport", "lack_of_motivation")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")
SEXES = ("female", "male")


def new_summary() -> dict:
    return {"total_income_fen": 0, "total_amount_fen": 0, "events": 0, "programs": {}}
