"""The photovoltaic service layer: each use case checks the rules (domain/) against what is
stored, then makes one write through a repository. Free of Flask; the web layer reads the
record a command is about, authorizes for its county first, and turns ``Refused`` into the
API's error shape or a form's errors."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.events.types import photovoltaic as ev
from shared.programs.households import HouseholdGuard
from shared.programs.refused import Refused
from shared.gazetteer.checks import require_areas
from shared.gazetteer.store import Gazetteer
from services.photovoltaic.adapters.distributions import DistributionRepository
from services.photovoltaic.adapters.faults import FaultRepository
from services.photovoltaic.adapters.installations import InstallationRepository
from services.photovoltaic.adapters.monthly import MonthlyReport
from services.photovoltaic.adapters.reports import ReportRepository
from services.photovoltaic.domain import installations as rules
from services.photovoltaic.domain.distribution import DIVIDENDS, distribution_id, plan_dividends, plan_wages
from services.photovoltaic.domain.faults import check_down_since, check_restored_on
from services.photovoltaic.domain.generation import check_report, report_id, revenue_for
from services.photovoltaic.domain.monthly import by_month, grand_total
from services.photovoltaic.domain.months import months_between, period
from services.photovoltaic.domain.policy import Policy


@dataclass
class Photovoltaic:
    installations: InstallationRepository
    reports: ReportRepository
    distributions: DistributionRepository
    faults: FaultRepository
    monthly: MonthlyReport
    households: HouseholdGuard
    policy: Policy
    areas: Gazetteer

    @classmethod
    def build(cls, db, households: HouseholdGuard, policy: Policy, areas: Gazetteer) -> "Photovoltaic":
        pv = cls(InstallationRepository(db), ReportRepository(db), DistributionRepository(db), FaultRepository(db),
                 MonthlyReport(db), households, policy, areas)
        for repo in (pv.installations, pv.reports, pv.distributions, pv.faults):
            repo.ensure_indexes()
        return pv

    def require_enrolled(self, household_id: str, field: str = "household_id") -> dict:
        """The household's file as known here; refused when unknown or not enrolled."""
        return self.households.require_enrolled(household_id, field)

    # --- installations, members and posts: which rules hold, then one write -------------------
    def create(self, fields: dict, by: str) -> dict:
        if fields["commissioned_on"] > date.today():
            raise Refused("The commissioning date cannot be in the future.", "commissioned_on", 422)
        rules.check_new(fields)
        require_areas(self.areas, village_code=fields["village_code"])
        if fields["kind"] == rules.ROOFTOP:
            self.require_enrolled(fields["household_id"])
        return self.installations.create(fields, by)

    def edit(self, doc: dict, fields: dict, by: str) -> dict:
        if fields.get("commissioned_on") and fields["commissioned_on"] > date.today():
            raise Refused("The commissioning date cannot be in the future.", "commissioned_on", 422)
        rules.check_edit(doc, fields)
        require_areas(self.areas, village_code=fields.get("village_code"))
        changes = rules.changes(doc, fields)
        if not changes:
            raise Refused("Nothing changed.", None, 422)
        sets = {c["field"]: fields[c["field"]] for c in changes}
        if "commissioned_on" in sets:
            sets["commissioned_on"] = sets["commissioned_on"].isoformat()
        return self.installations.change(doc, sets, ev.INSTALLATION_UPDATED, {"changes": changes}, by)

    def join(self, doc: dict, household_id: str, shares: int, joined_on: date, by: str) -> dict:
        rules.station_only(doc)
        rules.check_same_county(household_id, doc["village_code"])
        household = self.require_enrolled(household_id)
        members = rules.with_member(doc, {"household_id": household_id, "head_name": household.get("head_name", ""),
                                          "shares": shares, "joined_on": joined_on.isoformat()})
        return self.installations.change(doc, {"members": members}, ev.JOINED,
                                         {"shares": shares, "joined_on": joined_on.isoformat()}, by, [household_id])

    def set_shares(self, doc: dict, household_id: str, shares: int, by: str) -> dict:
        members, old = rules.with_shares(doc, household_id, shares)
        return self.installations.change(doc, {"members": members}, ev.SHARES_CHANGED,
                                         {"old_shares": old, "shares": shares}, by, [household_id])

    def leave(self, doc: dict, household_id: str, reason: str, left_on: date, by: str) -> dict:
        members = rules.without_member(doc, household_id)
        return self.installations.change(doc, {"members": members}, ev.LEFT,
                                         {"reason": reason, "left_on": left_on.isoformat()}, by, [household_id])

    def assign_post(self, doc: dict, fields: dict, by: str) -> dict:
        rules.station_only(doc)
        rules.check_same_county(fields["household_id"], doc["village_code"])
        self.require_enrolled(fields["household_id"])
        new = {"post_id": rules.new_post_id(), "post": fields["post"], "household_id": fields["household_id"],
               "member_name": fields["member_name"], "monthly_wage_fen": fields["monthly_wage_fen"],
               "since": fields["since"].isoformat(), "active": True}
        posts = rules.with_post(doc, new)
        data = {k: new[k] for k in ("post_id", "post", "member_name", "monthly_wage_fen", "since")}
        return self.installations.change(doc, {"posts": posts}, ev.POST_ASSIGNED, data, by, [new["household_id"]])

    def end_post(self, doc: dict, post_id: str, reason: str, ended_on: date, by: str) -> dict:
        posts, ended = rules.with_post_ended(doc, post_id, ended_on, reason)
        data = {k: ended[k] for k in ("post_id", "post", "member_name", "monthly_wage_fen")}
        return self.installations.change(doc, {"posts": posts}, ev.POST_ENDED,
                                         {**data, "ended_on": ended_on.isoformat(), "reason": reason},
                                         by, [ended["household_id"]])

    def with_status(self, items: list[dict]) -> list[dict]:
        """Each installation with ``status`` (operating / down) and ``down_since`` from its open fault."""
        open_faults = self.faults.open_for([i["_id"] for i in items])
        return [{**i, "status": "down" if i["_id"] in open_faults else "operating",
                 "down_since": open_faults.get(i["_id"], {}).get("down_since"),
                 "open_fault_id": open_faults.get(i["_id"], {}).get("_id")} for i in items]

    def search(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        filters = dict(filters)
        if filters.get("status"):
            filters["ids"] = self.faults.open_installation_ids(scope)
            filters["ids_in"] = filters["status"] == "down"
        items, total = self.installations.list(scope, filters, skip, limit)
        return self.with_status(items), total

    # --- monthly generation reports: recording and correcting ----------------------------------
    def record(self, installation: dict, fields: dict, by: str) -> dict:
        check_report(installation, fields["month"], fields["kwh"], date.today())
        revenue = revenue_for(fields["kwh"], fields["tariff_fen_per_kwh"], fields.get("revenue_fen"),
                              self.policy.revenue_tolerance_percent)
        return self.reports.record(installation, fields, revenue, by)

    def correct(self, report: dict, fields: dict, by: str) -> dict:
        installation = self.installations.require(report["installation_id"])
        if self.distributions.exists(report["installation_id"], report["month"]):
            # The money is paid: correcting the revenue now would make the distribution wrong.
            raise Refused(f"The revenue of {report['month']} was already distributed; it cannot be corrected.")
        check_report(installation, report["month"], fields["kwh"], date.today())
        revenue = revenue_for(fields["kwh"], fields["tariff_fen_per_kwh"], fields.get("revenue_fen"),
                              self.policy.revenue_tolerance_percent)
        if (fields["kwh"], fields["tariff_fen_per_kwh"], revenue) == \
                (report["kwh"], report["tariff_fen_per_kwh"], report["revenue_fen"]):
            raise Refused("Nothing changed.", None, 422)
        return self.reports.correct(report, installation, fields, revenue, by)

    # --- a station's monthly distribution, once per station and month --------------------------
    def distribute(self, station: dict, fields: dict, by: str) -> tuple[dict, bool]:
        """(distribution, created). A repeated run returns the first one and publishes nothing."""
        rules.station_only(station)
        existing = self.distributions.get(distribution_id(station["_id"], fields["month"]))
        if existing is not None:
            return existing, False
        report = self.reports.get(report_id(station["_id"], fields["month"]))
        if report is None:
            raise Refused(f"{station['name']} has no generation report for {fields['month']} yet.", "month")
        if fields["mode"] == DIVIDENDS:
            enrolled = [m for m in station.get("members", [])
                        if self.households.enrolments.is_enrolled(m["household_id"])]
            plan = plan_dividends(report["revenue_fen"], self.policy.reserve_percent, enrolled,
                                  fields.get("amount_fen"))
        else:
            if fields.get("amount_fen") is not None:
                raise Refused("Wages are each post's monthly wage; no amount is given.", "amount_fen", 422)
            plan = plan_wages(report["revenue_fen"], self.policy.reserve_percent,
                              rules.posts_paid_for(station, fields["month"]))
        return self.distributions.insert(station, fields["month"], plan, by)

    # --- faults and restorations, and the check that raises the risk signal of an installation
    # down too long (from the API on restoration, and from ``tasks check-faults`` every day) ----
    def report_fault(self, installation: dict, fields: dict, by: str) -> dict:
        check_down_since(installation, fields["down_since"], date.today())
        return self.faults.report(installation, fields, by)

    def restore(self, fault: dict, restored_on: date, by: str) -> dict:
        check_restored_on(fault, restored_on, date.today())
        installation = self.installations.require(fault["installation_id"])
        return self.faults.restore(fault, installation, restored_on, by, self.policy.down_days)

    def check_faults(self, today: date, by: str = "fault-check") -> list[str]:
        """Raise the risk for every open fault that has lasted the policy's ``down_days`` by
        ``today``; each fault once, however often this runs. Returns the faults raised now."""
        threshold_days = self.policy.down_days
        raised = []
        for fault in self.faults.due_for_check(today, threshold_days):
            installation = self.installations.get(fault["installation_id"])
            if installation and self.faults.raise_if_due(fault, installation, today, by, threshold_days):
                raised.append(fault["_id"])
        return raised

    # --- the monthly report by county ----------------------------------------------------------
    def monthly_figures(self, scope: dict, start: str | None, end: str | None, county_code: str | None) -> dict:
        start, end = period(start, end, date.today())
        rows = self.monthly.rows(scope, start, end, county_code)
        return {"start": start, "end": end, "rows": rows, "months": by_month(rows, months_between(start, end)),
                "total": grand_total(rows)}
