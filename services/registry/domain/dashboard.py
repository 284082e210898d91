"""Dashboard figures from materialized counters: pure arithmetic, no store."""
from __future__ import annotations

from services.registry.domain.areas import incidence_threshold
from services.registry.domain.exit_rules import incidence, is_poor


def poor_people(people_by_status: dict) -> int:
    return sum(n for status, n in people_by_status.items() if is_poor(status))


def households_total(households_by_status: dict) -> int:
    return sum(n for status, n in households_by_status.items() if status != "removed")


def incidence_figures(area_code: str, people_by_status: dict, population: int) -> dict:
    poor = poor_people(people_by_status)
    rate = incidence(poor, population)
    threshold = incidence_threshold(area_code)
    return {"poor_people": poor, "population": population, "incidence": round(rate, 6),
            "threshold": threshold, "below_threshold": bool(population) and rate < threshold}
