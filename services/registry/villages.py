"""The registry's poor villages (贫困村), task forces (驻村工作队), the cadres assigned to
households (帮扶责任人) and the coverage figures by area. Free of Flask, like service.py: the
API and the pages authorize first and call this; refusals are ``Refused``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pymongo.errors import DuplicateKeyError

from shared.gazetteer.checks import require_areas
from shared.gazetteer.store import Gazetteer
from shared.programs.refused import Refused
from shared.store import WriteConflict
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.task_forces import TaskForces
from services.registry.adapters.villages import VillageFiles
from services.registry.domain.areas import prefix_of
from services.registry.domain.exit_rules import today_utc
from services.registry.domain.villages import (END_BEFORE_START, POOR_STATUSES, POOR_VILLAGE_STATUSES, VillageRefused,
                                               counts_by_status, coverage, reassigned, stationed_on,
                                               stationing_problem, status_problem)

# A village page lists at most this many of its households; a coverage page this many gaps.
LISTED = 500
GAP_FIELDS = {"_id": 1, "head_name": 1, "village_code": 1, "village": 1, "status": 1}


@dataclass
class Villages:
    files: VillageFiles
    task_forces: TaskForces
    households: HouseholdRepository
    areas: Gazetteer

    @classmethod
    def build(cls, db, households: HouseholdRepository, areas: Gazetteer) -> "Villages":
        villages = cls(VillageFiles(db), TaskForces(db), households, areas)
        villages.files.ensure_indexes()
        villages.task_forces.ensure_indexes()
        return villages

    # --- village files -----------------------------------------------------------------
    def village(self, village_code: str) -> dict:
        doc = self.files.get(village_code)
        if doc is None:
            raise Refused(f"no poor village file for {village_code}", None, 404)
        return doc

    def designate(self, village_code: str, designation: dict, by: str, reason: str) -> dict:
        """File a designated poor village (its code must be an official village)."""
        require_areas(self.areas, village_code=village_code)
        area = self.areas.get(village_code)
        try:
            return self.files.create(village_code, area["name"], designation, by, reason)
        except DuplicateKeyError:
            raise Refused(f"{village_code} is filed as a poor village already", "village_code", 409) from None

    def change_status(self, village: dict, to_status: str, by: str, reason: str) -> dict:
        problem = status_problem(village["status"], to_status)
        if problem:
            raise Refused(problem, "status", 409)
        return self._guarded(lambda: self.files.change_status(village, to_status, by, reason))

    def record_income(self, village: dict, year: int, income_fen: int, by: str, reason: str) -> dict:
        return self._guarded(lambda: self.files.record_income(village, year, income_fen, by, reason))

    def households_of(self, village_code: str, scope: dict) -> dict:
        """The village's household files a person may see: counts by status, and the first ones."""
        statuses = [d["status"] for d in self.households.households.find({**scope, "village_code": village_code},
                                                                          {"status": 1})]
        listed, total = self.households.search(scope, None, village_code, None, 0, LISTED)
        return {"by_status": counts_by_status(statuses), "total": total, "listed": listed}

    # --- task forces ---------------------------------------------------------------------
    def task_force(self, task_force_id: str) -> dict:
        doc = self.task_forces.get(task_force_id) if re.fullmatch(r"TF[0-9A-Z]{10}", task_force_id) else None
        if doc is None:
            raise Refused(f"no task force {task_force_id}", None, 404)
        return doc

    def form_task_force(self, fields: dict, by: str) -> dict:
        require_areas(self.areas, county_code=fields["county_code"])
        return self.task_forces.create(fields, by)

    def station(self, task_force: dict, stationing: dict, by: str, reason: str) -> dict:
        """Station the task force in a poor village of its county, from a day (to a day, or open)."""
        code = stationing["village_code"]
        if not code.startswith(task_force["county_code"]):
            raise Refused.of({"village_code": [f"{code} is not in the task force's county {task_force['county_code']}."]}, 422)
        require_areas(self.areas, village_code=code)
        if self.files.get(code) is None:
            raise Refused.of({"village_code": [f"{code} is not filed as a poor village."]}, 422)
        stationing = {"village_code": code, "from": stationing["from"].isoformat(),
                      "to": stationing["to"].isoformat() if stationing.get("to") else None}
        problem = stationing_problem(task_force["stationings"], stationing)
        if problem:
            raise Refused(problem, *(("to", 422) if problem.code == END_BEFORE_START else ("village_code", 409)))
        return self._guarded(lambda: self.task_forces.station(task_force, stationing, by, reason))

    def set_members(self, task_force: dict, members: list[dict], by: str, reason: str) -> dict:
        return self._guarded(lambda: self.task_forces.set_members(task_force, members, by, reason))

    def stationed_in(self, village_code: str, day: date | None = None) -> list[dict]:
        """The task forces stationed in the village on ``day`` (today)."""
        day = day or today_utc()
        return [tf for tf in self.task_forces.list({}, village_code=village_code)
                if any(s["village_code"] == village_code and stationed_on(s, day) for s in tf["stationings"])]

    # --- assistance cadres ---------------------------------------------------------------
    def assign_cadre(self, household: dict, cadre: dict | None, on: date, by: str, reason: str) -> dict:
        """Assign ``cadre`` to the household (the current one, if any, ends on ``on``), or end
        the current one (``cadre`` None)."""
        doc = self.households.households.find_one({"_id": household["_id"]})
        try:
            current, history = reassigned(doc.get("cadre"), doc.get("cadre_history") or [], cadre, on.isoformat(),
                                          by, reason)
        except VillageRefused as exc:
            raise Refused(exc.said, None, 409) from exc
        ended = history[-1] if len(history) > len(doc.get("cadre_history") or []) else None
        return self._guarded(lambda: self.households.set_cadre(doc, current, history, ended, by, reason))

    # --- coverage ------------------------------------------------------------------------
    def coverage(self, area: str, scope: dict, day: date | None = None) -> dict:
        """Poor villages with a task force stationed now and poor households with a cadre, in
        ``area`` (any level; the country: 000000) as far as ``scope`` lets the person see."""
        day = day or today_utc()
        prefix = prefix_of(area)
        villages = self.files.poor(scope, prefix, POOR_VILLAGE_STATUSES)
        stationed = {s["village_code"] for tf in self.task_forces.list(scope, prefix) for s in tf["stationings"]
                     if s["village_code"].startswith(prefix) and stationed_on(s, day)}
        poor = {**scope, "status": {"$in": list(POOR_STATUSES)}}
        if prefix:
            poor["village_code"] = {"$regex": "^" + re.escape(prefix)}
        store = self.households.households
        count = lambda query: store.database.command("count", store.name, query=query)["n"]  # noqa: E731
        gaps_query = {**poor, "cadre": None}
        gaps = list(store.find(gaps_query, GAP_FIELDS).sort("_id", 1).limit(LISTED))
        figures = coverage([{"village_code": v.pop("_id"), **v} for v in villages],
                           stationed, count(poor), count(gaps_query), gaps, LISTED)
        return {"area": area, "day": day.isoformat(), **figures}

    @staticmethod
    def _guarded(write):
        try:
            return write()
        except WriteConflict as exc:
            raise Refused(str(exc), None, 409) from exc

