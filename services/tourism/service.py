"""The tourism service layer: each use case checks the rules against what is stored and
records the change (with its events) through a repository. Free of Flask; the web layer
authorizes first and turns ``Refused`` into its status or a form's field errors."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.programs.households import HouseholdGuard
from shared.programs.refused import Refused
from services.tourism.adapters.bookings import BookingRepository
from services.tourism.adapters.cooperatives import CooperativeRepository
from services.tourism.adapters.dividends import DividendRunRepository
from services.tourism.adapters.homestays import HomestayRepository
from services.tourism.adapters.jobs import JobRepository
from services.tourism.adapters.report import ReportReader
from services.tourism.adapters.wages import WageRepository
from services.tourism.domain import bookings as booking_rules
from services.tourism.domain import jobs as job_rules
from services.tourism.domain import report as report_rules
from services.tourism.domain.homestays import capacity_problems, inspection_problem
from services.tourism.domain.policy import Policy


@dataclass
class Tourism:
    homestays: HomestayRepository
    bookings: BookingRepository
    jobs: JobRepository
    wages: WageRepository
    cooperatives: CooperativeRepository
    dividends: DividendRunRepository
    report_reader: ReportReader
    households: HouseholdGuard
    policy: Policy

    @classmethod
    def build(cls, db, households: HouseholdGuard, policy: Policy) -> "Tourism":
        t = cls(HomestayRepository(db), BookingRepository(db), JobRepository(db), WageRepository(db),
                CooperativeRepository(db), DividendRunRepository(db), ReportReader(db), households, policy)
        for repo in (t.homestays, t.bookings, t.jobs, t.wages, t.cooperatives, t.dividends):
            repo.ensure_indexes()
        return t

    # --- households ---------------------------------------------------------------------
    def household(self, household_id: str) -> dict:
        """The household file known here, if it is enrolled in tourism; else Refused. A
        program records something for a household only once the registry's file reached it
        and the household was enrolled."""
        return self.households.require_enrolled(household_id)

    @staticmethod
    def _same_version(record: dict, fields: dict) -> None:
        if "version" in fields and fields["version"] != record["version"]:
            raise Refused(f"the record is at version {record['version']}, not {fields['version']}; "
                          f"reload it and try again", "version")

    # --- homestays ----------------------------------------------------------------------
    def register_homestay(self, fields: dict, by: str) -> dict:
        return self.homestays.register(fields, self.household(fields["household_id"]), by)

    def edit_homestay(self, homestay: dict, fields: dict, by: str) -> dict:
        self._same_version(homestay, fields)
        problems = capacity_problems(fields.get("rooms", homestay["rooms"]), fields.get("beds", homestay["beds"]))
        if problems:
            raise Refused.of(problems)
        return self.homestays.edit(homestay, fields, by)

    def inspect_homestay(self, homestay: dict, fields: dict, by: str) -> dict:
        return self.homestays.inspect(homestay, fields["inspected_on"], fields["result"], fields.get("note", ""), by)

    # --- bookings -----------------------------------------------------------------------
    def homestay(self, homestay_id: str) -> dict:
        homestay = self.homestays.get(homestay_id)
        if homestay is None:
            raise Refused(f"no homestay {homestay_id}", "homestay_id")
        return homestay

    def record_booking(self, homestay: dict, fields: dict, by: str) -> dict:
        self.household(homestay["household_id"])
        problem = inspection_problem(homestay.get("inspections", []), fields["check_in"],
                                     self.policy.inspection_valid_days)
        if problem:
            raise Refused(f"{homestay['name']}: {problem}", "homestay_id")
        problems = booking_rules.against_homestay(fields, homestay)
        if problems:
            raise Refused.of(problems)
        return self.bookings.record(fields, homestay, by)

    def cancel_booking(self, booking: dict, fields: dict, by: str) -> dict:
        return self.bookings.cancel(booking, fields["cancelled_on"], fields["reason"], by)

    # --- jobs and wages -----------------------------------------------------------------
    def start_job(self, fields: dict, by: str) -> dict:
        return self.jobs.start(fields, self.household(fields["household_id"]), by)

    def edit_job(self, job: dict, fields: dict, by: str) -> dict:
        self._same_version(job, fields)
        return self.jobs.edit(job, fields, by)

    def end_job(self, job: dict, fields: dict, by: str) -> dict:
        problems = job_rules.end_problem(job["started_on"], fields["ended_on"])
        if problems:
            raise Refused.of(problems)
        return self.jobs.end(job, fields["ended_on"], fields["reason"], by)

    def pay_wage(self, job: dict, fields: dict, by: str) -> tuple[dict, bool]:
        problems = job_rules.wage_month_problem(job, fields["month"])
        if problems:
            raise Refused.of(problems)
        return self.wages.pay(job, fields["month"], fields["paid_on"], fields["income_fen"], by)

    # --- cooperatives -------------------------------------------------------------------
    def create_cooperative(self, fields: dict, by: str) -> dict:
        return self.cooperatives.create(fields, by)

    def edit_cooperative(self, cooperative: dict, fields: dict, by: str) -> dict:
        self._same_version(cooperative, fields)
        return self.cooperatives.edit(cooperative, fields, by)

    def join_cooperative(self, cooperative: dict, fields: dict, by: str) -> dict:
        household = self.household(fields["household_id"])
        return self.cooperatives.join(cooperative, household, fields["shares"], fields["joined_on"], by)

    def change_shares(self, cooperative: dict, household_id: str, fields: dict, by: str) -> dict:
        return self.cooperatives.change_shares(cooperative, household_id, fields["shares"], fields["effective_on"],
                                               fields.get("reason", ""), by)

    def leave_cooperative(self, cooperative: dict, household_id: str, fields: dict, by: str) -> dict:
        return self.cooperatives.leave(cooperative, household_id, fields["effective_on"], fields["reason"], by)

    def run_dividends(self, cooperative: dict, fields: dict, by: str) -> tuple[dict, bool]:
        return self.dividends.run(cooperative, fields["period"], fields["amount_fen"], fields["paid_on"], by)

    # --- report -------------------------------------------------------------------------
    def report(self, scope: dict, first: str | None, last: str | None, county_code: str | None,
               today: date | None = None) -> dict:
        first, last = report_rules.resolve_range(first, last, today or date.today())
        problems = report_rules.range_problems(first, last)
        if problems:
            raise Refused.of(problems)
        rows = report_rules.rows(self.report_reader.sums(scope, first, last, county_code))
        return {"first": first, "last": last, "months": report_rules.months(first, last), "rows": rows,
                "totals": report_rules.totals(rows)}
