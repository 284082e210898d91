"""The steps of a relocation case, shared by the API and the pages: who may, which rules hold
(domain.lifecycle), then one write with its event."""
from __future__ import annotations

from datetime import date

from shared.auth.roles import WRITE
from shared.auth.web import authorize
from shared.events.types import relocation as ev
from services.relocation.domain import lifecycle as rules
from shared.programs.refused import Refused
from shared.months import month_of
from services.relocation.usecases.context import ext, policy, require_enrolled


def repo():
    return ext("cases")


def _case(case_id: str, step: str) -> tuple[dict, object, str]:
    case = repo().require(case_id)
    principal = authorize(WRITE, county=case["county_code"])
    return case, principal, rules.next_stage(case["stage"], step)


def open_case(fields: dict) -> dict:
    household = require_enrolled(fields["household_id"])
    principal = authorize(WRITE, county=household["county_code"])
    people = fields.get("people") or household.get("members") or 1
    return repo().open(household, people, principal.username)


def allocate_housing(case_id: str, fields: dict) -> dict:
    case, principal, stage = _case(case_id, "allocate_housing")
    site = ext("sites").require(fields["site_id"], status=422)
    if site["county_code"] != case["county_code"]:
        raise Refused(f"{site['name']} is in county {site['county_code']}, the household in {case['county_code']}",
                      "site_id", 422)
    rules.check_allocation(fields["area_m2"], case["people"], fields["self_paid_fen"], policy())
    rules.check_day(fields["allocated_on"], date.today(), "allocated_on")
    ext("sites").reserve(site, case_id, fields["area_m2"])
    sets = {"stage": stage, "site_id": site["_id"], "site_name": site["name"], "unit": fields["unit"],
            "area_m2": fields["area_m2"], "self_paid_fen": fields["self_paid_fen"],
            "allocated_on": fields["allocated_on"].isoformat()}
    data = {"unit": fields["unit"], "area_m2": fields["area_m2"], "people": case["people"],
            "self_paid_fen": fields["self_paid_fen"], "allocated_on": sets["allocated_on"]}
    try:
        return repo().step(case, sets, ev.HOUSING_ALLOCATED, data, principal.username)
    except Refused:
        # Not ours to release if a concurrent request allocated this case at this site.
        if (repo().get(case_id) or {}).get("site_id") != site["_id"]:
            ext("sites").release(site["_id"], case_id, fields["area_m2"])
        raise


def move_in(case_id: str, moved_in_on: date) -> dict:
    case, principal, stage = _case(case_id, "move_in")
    rules.check_day(moved_in_on, date.today(), "moved_in_on", case["allocated_on"], "the allocation")
    site = ext("sites").require(case["site_id"])
    sets = {"stage": stage, "moved_in_on": moved_in_on.isoformat(), "moved_in_month": month_of(moved_in_on),
            "village_code": site["village_code"]}
    data = {"unit": case["unit"], "moved_in_on": sets["moved_in_on"], "from_village_code": case["origin_village_code"],
            "site_village_code": site["village_code"], "site_township": site["township"],
            "site_village": site["village"]}
    return repo().step(case, sets, ev.MOVED_IN, data, principal.username)


def arrange_employment(case_id: str, fields: dict) -> dict:
    case, principal, stage = _case(case_id, "arrange_employment")
    rules.check_day(fields["started_on"], date.today(), "started_on")
    job = {"member_name": fields["member_name"], "employer": fields["employer"], "job": fields["job"],
           "started_on": fields["started_on"].isoformat(), "monthly_wage_fen": fields["monthly_wage_fen"]}
    sets = {"stage": stage, "employed": True}
    if not case.get("employed"):
        sets["employed_on"] = job["started_on"]
    return repo().step(case, sets, ev.EMPLOYMENT_ARRANGED, job, principal.username, push={"employment": job})


def record_training(case_id: str, fields: dict) -> dict:
    case, principal, stage = _case(case_id, "record_training")
    rules.check_day(fields["completed_on"], date.today(), "completed_on")
    course = {"member_name": fields["member_name"], "course": fields["course"], "days": fields["days"],
              "completed_on": fields["completed_on"].isoformat()}
    return repo().step(case, {"stage": stage}, ev.TRAINING_COMPLETED, course, principal.username,
                       push={"training": course})


def reclaim_land(case_id: str, fields: dict) -> dict:
    case, principal, stage = _case(case_id, "reclaim_land")
    rules.check_day(fields["demolished_on"], date.today(), "demolished_on", case["moved_in_on"], "moving in")
    rules.check_day(fields["reclaimed_on"], date.today(), "reclaimed_on", fields["demolished_on"].isoformat(),
                    "the demolition")
    sets = {"stage": stage, "demolished_on": fields["demolished_on"].isoformat(),
            "reclaimed_on": fields["reclaimed_on"].isoformat(), "land_m2": fields["land_m2"]}
    data = {k: sets[k] for k in ("demolished_on", "reclaimed_on", "land_m2")}
    return repo().step(case, sets, ev.LAND_RECLAIMED, data, principal.username)


def pay_subsidy(case_id: str, fields: dict) -> dict:
    case = repo().require(case_id)
    principal = authorize(WRITE, county=case["county_code"])
    rules.check_subsidy(case, fields["kind"])
    rules.check_day(fields["paid_on"], date.today(), "paid_on")
    subsidy = {"subsidy_id": rules.new_subsidy_id(), "kind": fields["kind"], "amount_fen": fields["amount_fen"],
               "paid_on": fields["paid_on"].isoformat()}
    return repo().step(case, {}, ev.SUBSIDY_PAID, subsidy, principal.username, push={"subsidies": subsidy},
                       inc={"subsidies_fen": fields["amount_fen"]})


def check_no_job(cases, today: date, months: int, by: str = "relocation-check") -> list[str]:
    """Raise the risk for every case moved in ``months`` ago or more without a job; each case
    once, however often this runs. Returns the cases raised now."""
    raised = []
    for case in cases.due_for_risk_check():
        if rules.no_job_risk_due(case, today, months):
            data = {"moved_in_on": case["moved_in_on"], "months": months, "checked_on": today.isoformat()}
            if cases.raise_risk_once(case, data, today.isoformat(), by):
                raised.append(case["_id"])
    return raised
