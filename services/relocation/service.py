"""The relocation service layer: each step of a case checks the rules (domain/) against what is
stored and records the change with its event through a repository. Free of Flask: the API,
the pages and the scheduled task build it alike (``Relocation.build``); the web layer
authorizes first and turns ``Refused`` into the API's error shape or a form's errors."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.events.types import relocation as ev
from shared.months import month_of, months_between, period
from shared.programs.households import HouseholdGuard
from shared.programs.refused import Refused
from shared.gazetteer.checks import require_areas
from shared.gazetteer.store import Gazetteer
from services.relocation.adapters.cases import CaseRepository
from services.relocation.adapters.sites import SiteRepository
from services.relocation.domain import lifecycle as rules
from services.relocation.domain.policy import Policy
from services.relocation.domain.report import relocation_report


@dataclass
class Relocation:
    cases: CaseRepository
    sites: SiteRepository
    households: HouseholdGuard
    policy: Policy
    areas: Gazetteer

    @classmethod
    def build(cls, db, households: HouseholdGuard, policy: Policy, areas: Gazetteer) -> "Relocation":
        r = cls(CaseRepository(db), SiteRepository(db), households, policy, areas)
        for repo in (r.sites, r.cases):
            repo.ensure_indexes()
        return r

    # --- sites and cases --------------------------------------------------------------------
    def create_site(self, fields: dict, by: str) -> dict:
        require_areas(self.areas, village_code=fields["village_code"])
        return self.sites.create(fields, by)

    def household(self, household_id: str, field: str = "household_id") -> dict:
        """The household's file as known here; Refused when unknown or not enrolled."""
        return self.households.require_enrolled(household_id, field)

    def open_case(self, household: dict, people: int | None, by: str) -> dict:
        return self.cases.open(household, people or household.get("members") or 1, by)

    # --- the steps of a case (``case`` as read, already authorized) ------------------------
    def allocate_housing(self, case: dict, fields: dict, by: str) -> dict:
        stage = rules.next_stage(case["stage"], "allocate_housing")
        site = self.sites.require(fields["site_id"], status=422)
        if site["county_code"] != case["county_code"]:
            raise Refused(f"{site['name']} is in county {site['county_code']}, the household in {case['county_code']}",
                          "site_id", 422)
        rules.check_allocation(fields["area_m2"], case["people"], fields["self_paid_fen"], self.policy)
        rules.check_day(fields["allocated_on"], date.today(), "allocated_on")
        self.sites.reserve(site, case["_id"], fields["area_m2"])
        sets = {"stage": stage, "site_id": site["_id"], "site_name": site["name"], "unit": fields["unit"],
                "area_m2": fields["area_m2"], "self_paid_fen": fields["self_paid_fen"],
                "allocated_on": fields["allocated_on"].isoformat()}
        data = {"unit": fields["unit"], "area_m2": fields["area_m2"], "people": case["people"],
                "self_paid_fen": fields["self_paid_fen"], "allocated_on": sets["allocated_on"]}
        try:
            return self.cases.step(case, sets, ev.HOUSING_ALLOCATED, data, by)
        except Refused:
            # Not ours to release if a concurrent request allocated this case at this site.
            if (self.cases.get(case["_id"]) or {}).get("site_id") != site["_id"]:
                self.sites.release(site["_id"], case["_id"], fields["area_m2"])
            raise

    def move_in(self, case: dict, moved_in_on: date, by: str) -> dict:
        stage = rules.next_stage(case["stage"], "move_in")
        rules.check_day(moved_in_on, date.today(), "moved_in_on", case["allocated_on"], "the allocation")
        site = self.sites.require(case["site_id"])
        sets = {"stage": stage, "moved_in_on": moved_in_on.isoformat(), "moved_in_month": month_of(moved_in_on),
                "village_code": site["village_code"]}
        data = {"unit": case["unit"], "moved_in_on": sets["moved_in_on"], "from_village_code": case["origin_village_code"],
                "site_village_code": site["village_code"], "site_township": site["township"],
                "site_village": site["village"]}
        return self.cases.step(case, sets, ev.MOVED_IN, data, by)

    def arrange_employment(self, case: dict, fields: dict, by: str) -> dict:
        stage = rules.next_stage(case["stage"], "arrange_employment")
        rules.check_day(fields["started_on"], date.today(), "started_on")
        job = {"member_name": fields["member_name"], "employer": fields["employer"], "job": fields["job"],
               "started_on": fields["started_on"].isoformat(), "monthly_wage_fen": fields["monthly_wage_fen"]}
        sets = {"stage": stage, "employed": True}
        if not case.get("employed"):
            sets["employed_on"] = job["started_on"]
        return self.cases.step(case, sets, ev.EMPLOYMENT_ARRANGED, job, by, push={"employment": job})

    def record_training(self, case: dict, fields: dict, by: str) -> dict:
        stage = rules.next_stage(case["stage"], "record_training")
        rules.check_day(fields["completed_on"], date.today(), "completed_on")
        course = {"member_name": fields["member_name"], "course": fields["course"], "days": fields["days"],
                  "completed_on": fields["completed_on"].isoformat()}
        return self.cases.step(case, {"stage": stage}, ev.TRAINING_COMPLETED, course, by, push={"training": course})

    def reclaim_land(self, case: dict, fields: dict, by: str) -> dict:
        stage = rules.next_stage(case["stage"], "reclaim_land")
        rules.check_day(fields["demolished_on"], date.today(), "demolished_on", case["moved_in_on"], "moving in")
        rules.check_day(fields["reclaimed_on"], date.today(), "reclaimed_on", fields["demolished_on"].isoformat(),
                        "the demolition")
        sets = {"stage": stage, "demolished_on": fields["demolished_on"].isoformat(),
                "reclaimed_on": fields["reclaimed_on"].isoformat(), "land_m2": fields["land_m2"]}
        data = {k: sets[k] for k in ("demolished_on", "reclaimed_on", "land_m2")}
        return self.cases.step(case, sets, ev.LAND_RECLAIMED, data, by)

    def pay_subsidy(self, case: dict, fields: dict, by: str) -> dict:
        rules.check_subsidy(case, fields["kind"])
        rules.check_day(fields["paid_on"], date.today(), "paid_on")
        subsidy = {"subsidy_id": rules.new_subsidy_id(), "kind": fields["kind"], "amount_fen": fields["amount_fen"],
                   "paid_on": fields["paid_on"].isoformat()}
        return self.cases.step(case, {}, ev.SUBSIDY_PAID, subsidy, by, push={"subsidies": subsidy},
                               inc={"subsidies_fen": fields["amount_fen"]})

    # --- the report and the scheduled check -------------------------------------------------
    def report(self, scope: dict, args: dict) -> dict:
        """The report for a scope ({} or a county filter) and period (default: twelve months)."""
        start, end = period(args.get("start"), args.get("end"), date.today())
        scope = dict(scope)
        if args.get("county_code") and not scope.get("county_code"):
            scope["county_code"] = args["county_code"]
        return relocation_report(self.cases.all(scope), self.sites.all(scope), months_between(start, end))

    def check_no_job(self, today: date, by: str = "relocation-check") -> list[str]:
        """Raise the risk for every case moved in the policy's months ago or more without a
        job; each case once, however often this runs. Returns the cases raised now."""
        months = self.policy.no_job_months
        raised = []
        for case in self.cases.due_for_risk_check():
            if rules.no_job_risk_due(case, today, months):
                data = {"moved_in_on": case["moved_in_on"], "months": months, "checked_on": today.isoformat()}
                if self.cases.raise_risk_once(case, data, today.isoformat(), by):
                    raised.append(case["_id"])
        return raised
