"""The central office's figures by area and the area reference data behind them: households
by status, poverty incidence against the exit thresholds, money and income by program over
time, exits and returns — read from counters kept up to date as events arrive
(adapters/stats.py), never recomputed from the history. Free of Flask; the web layer checks
the caller's scope first."""
from __future__ import annotations

from dataclasses import dataclass

from shared.gazetteer.checks import not_official
from shared.gazetteer.store import Gazetteer
from shared.events.topics import PROGRAMS
from shared.programs.refused import Refused
from services.registry.adapters.areas import Areas
from services.registry.adapters.stats import Stats
from services.registry.domain.areas import COUNTRY, COUNTRY_NAME, level_of, parent_of
from services.registry.domain.dashboard import households_total, incidence_figures


@dataclass
class Dashboards:
    stats: Stats
    areas: Areas
    official: Gazetteer

    @classmethod
    def build(cls, db, official: Gazetteer) -> "Dashboards":
        d = cls(Stats(db), Areas(db), official)
        d.areas.ensure_indexes()
        return d

    def figures(self, area_code: str) -> dict:
        """Figures of one area (any level) and of each area directly below it."""
        stats, areas = self.stats, self.areas
        seen = stats.overview(area_code, ["households", "registry", *PROGRAMS], ["households", *PROGRAMS])
        status = seen["totals"]["households"]
        children = []
        child_status = seen["children"]["households"]
        child_money = {p: seen["children"][p] for p in PROGRAMS}
        # Every official area below, also those without households yet, and any other that
        # has figures (files of an earlier release may name codes the edition lacks).
        codes = sorted(set(child_status) | {c for m in child_money.values() for c in m} |
                       {c["_id"] for c in self._official_below(area_code)})
        names = self.names(codes + [area_code])
        populations = areas.populations(codes + [area_code])
        for code in codes:
            people = child_status.get(code, {}).get("people", {})
            children.append({
                "code": code, "name": names.get(code, code),
                "households": households_total(child_status.get(code, {}).get("households", {})),
                **incidence_figures(code, people, populations[code]),
                "income_fen": sum(child_money[p].get(code, {}).get("income_fen", 0) for p in PROGRAMS),
            })
        return {
            "area": {"code": area_code, "name": names.get(area_code, area_code), "level": level_of(area_code)},
            "households": status.get("households", {}),
            "households_total": households_total(status.get("households", {})),
            "people": status.get("people", {}),
            "incidence": incidence_figures(area_code, status.get("people", {}), populations[area_code]),
            "programs": {p: seen["totals"][p] for p in PROGRAMS},
            "months": {p: seen["months"][p] for p in PROGRAMS},
            "registry_months": seen["months"]["registry"],
            "children": children,
        }

    @staticmethod
    def default_area(principal) -> str:
        """Where the dashboard opens: a county's own county, a province office's province,
        the central office (and whoever sees every county) the whole country."""
        return principal.county or principal.province or COUNTRY

    def breadcrumbs(self, code: str) -> list[dict]:
        """The area and every area above it, from the top, with their names."""
        chain, current = [], code
        while current:
            chain.append(current)
            current = parent_of(current)
        names = self.names(chain)
        return [{"code": c, "name": names.get(c, c), "level": level_of(c)} for c in reversed(chain)]

    # --- area reference data ------------------------------------------------------------------
    def names(self, codes: list[str]) -> dict[str, str]:
        """Official names; a name uploaded for a code the edition lacks where there is none."""
        official = self.official.names(codes)
        if COUNTRY in codes:
            official[COUNTRY] = COUNTRY_NAME
        return {**self.areas.names([c for c in codes if c not in official]), **official}

    def _official_below(self, area_code: str) -> list[dict]:
        """The official areas a dashboard lists under ``area_code``: a province's counties (its
        prefectures skipped, as the figures are), else the areas one level down."""
        if area_code == COUNTRY:
            return self.official.provinces()
        below = self.official.children(area_code)
        if level_of(area_code) == "province":
            below = [county for prefecture in below for county in self.official.children(prefecture["_id"])]
        return below

    def area(self, area_code: str) -> dict:
        """An area (official, or loaded by an upload) and the areas directly below it; Refused
        404 when it is neither."""
        if area_code == COUNTRY:
            area = {"_id": COUNTRY, "name": COUNTRY_NAME, "level": "country"}
            official_below = self.official.provinces()
        else:
            area = self.official.get(area_code) or self.areas.get(area_code)
            official_below = self.official.children(area_code)
        if area is None:
            raise Refused(f"no area {area_code}", None, 404)
        below = official_below or self.areas.children(area_code)
        return {"code": area["_id"], "name": area["name"], "level": area["level"],
                "population": self.areas.population(area_code),
                "children": [{"code": c["_id"], "name": c["name"]} for c in below]}

    def load_areas(self, rows: list[dict]) -> dict:
        """Names and registered populations (validated rows), added or replaced; refused (422,
        naming each row) for codes the official areas do not have."""
        unknown = self.official.unknown({row["code"] for row in rows})
        if unknown:
            raise Refused("areas not in the official codes", status=422, errors={"areas": {
                str(i): {"code": [not_official(self.official, row["code"])]}
                for i, row in enumerate(rows) if row["code"] in unknown}})
        return {"upserted": self.areas.upsert(rows), "received": len(rows)}
