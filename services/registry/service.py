"""The registry service layer: household files, change requests (proposed with a dry run,
decided by a county operator), the exit / return workflow, warnings and the audit log; and,
as parts of their own built with it, the dashboards, the feed and bulk import.
Free of Flask: the API and the pages call the same code (``Registry.build`` in app.py); the
web layer authorizes first and turns ``Refused`` into the API's error shape or a page's flash."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from shared.events.envelope import iso_z
from shared.gazetteer.checks import require_areas, unknown_areas
from shared.gazetteer.store import Gazetteer
from shared.config import Settings
from shared.household_ids import new_household_id
from shared.messages import N_, Code, Message
from shared.programs.refused import Refused
from shared.store import WriteConflict
from services.registry.adapters.change_requests import ChangeRequests
from services.registry.adapters.history import History
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import DuplicatePerson, IdProtection
from services.registry.dashboards import Dashboards
from services.registry.domain import change_requests as cr
from services.registry.domain.exit_rules import (SEPARATION_OF_DUTIES, TRANSITIONS, DutyRefused, StepRefused,
                                                 change_duty_problem, exit_problems, income_comparison, parse_lines,
                                                 poverty_line_fen, today_utc)
from services.registry.feed import Feed
from services.registry.imports.service import BulkImports
from services.registry.villages import Villages

# Steps that need a reason (an objection, a rejected exit, a return to poverty).
STEPS_WITH_REASON = ("object", "reject_exit", "return_to_poverty")


class PersonElsewhere(Refused):
    """A member's ID number already belongs to another household: 409, naming that household."""

    def __init__(self, exc: DuplicatePerson, field: str | None = None):
        super().__init__(exc.said, field, 409)
        self.household_id = exc.household_id


@dataclass
class Registry:
    households: HouseholdRepository
    change_requests: ChangeRequests
    history: History
    id_protection: IdProtection
    # The settings as they are now (a callable: the app's settings may be replaced after it
    # was built — the tests shorten the public notice so).
    settings: Callable[[], Settings]
    dashboards: Dashboards
    feed: Feed
    imports: BulkImports
    areas: Gazetteer    # the official areas: every file's village is one of them
    villages: Villages  # poor villages, task forces, cadres and coverage (villages.py)

    @classmethod
    def build(cls, db, settings: Settings | Callable[[], Settings], areas: Gazetteer,
              id_protection: IdProtection | None = None) -> "Registry":
        current = settings if callable(settings) else (lambda: settings)
        protection = id_protection or IdProtection(current())
        households = HouseholdRepository(db, protection)
        # The feed's broker and the uploads' key are the settings' at start.
        r = cls(households, ChangeRequests(db), History(db), protection, current, Dashboards.build(db, areas),
                Feed.build(current()), BulkImports.build(db, households, protection, current().secret_key, areas),
                areas, Villages.build(db, households, areas))
        for repo in (r.households, r.change_requests):
            repo.ensure_indexes()
        return r

    # --- household files -------------------------------------------------------------------
    def household(self, household_id: str) -> dict:
        """The household's file (public fields); Refused 404 when there is none."""
        household = self.households.get(household_id)
        if household is None:
            raise Refused(f"no household {household_id}", None, 404)
        return household

    def search(self, scope: dict, q: str | None, area: str | None, status: str | None, skip: int,
               limit: int) -> tuple[list[dict], int]:
        return self.households.search(scope, q, area, status, skip, limit)

    def create_household(self, fields: dict, by: str) -> dict:
        require_areas(self.areas, village_code=fields["village_code"])
        try:
            return self.households.create(fields, by)
        except DuplicatePerson as exc:
            raise PersonElsewhere(exc, "members") from exc

    def timeline(self, household_id: str) -> list[dict]:
        return self.history.timeline(household_id)

    def as_of(self, household_id: str, day) -> dict:
        """The file as it stood at the end of ``day``; Refused 404 when it had none then."""
        file = self.households.as_of(household_id, day)
        if file is None:
            raise Refused(f"household {household_id} had no file on {day}", None, 404)
        return file

    def enrolments(self, household: dict) -> dict:
        summary = household["summary"]
        return {"household_id": household["_id"], "status": household["status"],
                "programs": [{"program": p, **v} for p, v in sorted(summary.get("programs", {}).items())],
                "total_income_fen": summary["total_income_fen"],
                "loans_outstanding_fen": summary.get("loans_outstanding_fen", 0),
                "relocation_stage": summary.get("relocation_stage")}

    def household_of_person(self, id_number: str) -> str:
        """The id of the household a person (by ID number) belongs to; Refused 404 when none."""
        household_id = self.households.claims.where(self.id_protection.hash(id_number))
        if household_id is None:
            raise Refused("this person is in no household file", None, 404)
        return household_id

    # --- change requests ------------------------------------------------------------------
    def change_request(self, request_id: str) -> dict:
        request = self.change_requests.get(request_id)
        if request is None:
            raise Refused(f"no change request {request_id}", None, 404)
        return request

    def list_change_requests(self, scope: dict, status: str | None, household_id: str | None,
                             limit: int = 200) -> list[dict]:
        return self.change_requests.list(scope, status, household_id, limit)

    def propose_change(self, household: dict, kind: str, payload: dict, reason: str, by: str) -> dict:
        """Record a proposed change (``payload`` validated; the caller authorized for every
        county it touches), refusing now what could never be applied."""
        payload = dict(payload)
        if kind == "transfer_member" and self.households.get(payload["to_household_id"]) is None:
            raise Refused("invalid change request", status=422,
                          errors={"payload": {"to_household_id": ["No such household."]}})
        if kind == "move_area":
            unknown = unknown_areas(self.areas, village_code=payload["village_code"])
            if unknown:
                raise Refused("invalid change request", status=422, errors={"payload": unknown})
        if kind == "split":
            payload["new_household_id"] = new_household_id(household["county_code"])
        if kind == "add_member" and payload["member"].get("id_number"):
            # Protected now: the clear number is never stored, not even in the request.
            member = dict(payload["member"])
            member.update(self.id_protection.protect(member.pop("id_number")))
            payload["member"] = member
        full = self.households.households.find_one({"_id": household["_id"]})
        try:  # refuse now what could never be applied
            cr.apply(full, kind, _dry_run_payload(kind, payload))
            if kind == "split":
                cr.split_household(full, payload["member_ids"], payload["new_head_member_id"])
        except cr.ChangeRefused as exc:
            raise Refused(exc.said, "payload", 422) from exc
        return self.change_requests.propose(household, kind, _storable(payload), reason, by)

    def decide(self, request: dict, decision: str, note: str, by: str, central: bool = False) -> dict:
        """Reject, or approve and apply, a proposed change (``request`` as read, authorized;
        ``central``: the decider is the central office)."""
        if request["status"] != "proposed":
            raise Refused(Message("already_decided", N_("the change request is already %(status)s"),
                                  {"status": Code(request["status"])}), None, 409)
        if decision == "approve":
            problem = change_duty_problem(request["proposed_by"], by, central and bool(note.strip()))
            if problem:
                raise Refused(problem, None, 403, reason=SEPARATION_OF_DUTIES)
        if decision == "reject":
            return self.change_requests.record_decision(request, "reject", note, by)
        try:
            touched = self.households.apply_change(request, by)
        except cr.ChangeRefused as exc:
            raise Refused(exc.said, None, 409) from exc
        except WriteConflict as exc:
            raise Refused(str(exc), None, 409) from exc
        except DuplicatePerson as exc:
            raise PersonElsewhere(exc) from exc
        self.change_requests.record_decision(request, "approve", note, by)
        self.change_requests.mark_applied(request["_id"], touched)
        return self.change_requests.get(request["_id"])

    # --- the exit / return workflow --------------------------------------------------------
    def _exit_problems(self, household: dict, year: int) -> list[Message]:
        lines = parse_lines(self.settings().poverty_lines) or None
        return exit_problems(household["income_per_capita_fen"], household.get("guarantees") or {}, year, lines)

    def exit_assessment(self, household: dict) -> dict:
        """Does the household meet the exit criteria this year, and which steps are open; the
        programme income recorded beside the typed income."""
        year = today_utc().year
        problems = self._exit_problems(household, year)
        since = iso_z(datetime.now(timezone.utc) - timedelta(days=365))
        recorded = income_comparison(household["income_per_capita_fen"],
                                     self.history.programme_income_since(household["_id"], since),
                                     len(household.get("members") or []))
        lines = parse_lines(self.settings().poverty_lines) or None
        return {"household_id": household["_id"], "year": year, "poverty_line_fen": poverty_line_fen(year, lines),
                **recorded,
                "income_per_capita_fen": household["income_per_capita_fen"],
                "guarantees": household.get("guarantees"), "eligible": not problems, "problems": problems,
                "status": household["status"], "possible_steps": list(TRANSITIONS.get(household["status"], {}))}

    def exit_step(self, household: dict, step: str, reason: str, by: str, central: bool = False,
                  on: date | None = None) -> dict:
        """One step: propose_exit → township_check → county_approve → (public notice) →
        finish_notice; object / reject_exit send it back; return_to_poverty after exit. Who
        proposed may not check, who proposed or checked may not approve (``central``: the
        central office, which may, giving a reason). ``on``: the day it was taken, when it is
        recorded later (its event's time; the notice runs from it)."""
        day = on or today_utc()
        if step == "propose_exit":
            problems = self._exit_problems(household, day.year)
            if problems:
                raise Refused("the household does not meet the exit criteria", status=422,
                              errors={"step": [str(p) for p in problems]}, said=problems)
        if step in STEPS_WITH_REASON and not reason:
            raise Refused(Message("reason_required", N_("a reason is required")), status=422,
                          errors={"reason": ["A reason is required for this step."]})
        try:
            return self.households.step(household["_id"], step, by, reason, day,
                                        self.settings().exit_notice_days, central and bool(reason.strip()))
        except DutyRefused as exc:
            raise Refused(exc.said, None, 403, reason=SEPARATION_OF_DUTIES) from exc
        except StepRefused as exc:
            raise Refused(exc.said, None, 409) from exc
        except WriteConflict as exc:
            raise Refused(str(exc), None, 409) from exc

    # --- warnings and the audit log ---------------------------------------------------------
    def warnings(self, scope: dict) -> list[dict]:
        """Households with an open return-to-poverty warning (防返贫监测) in ``scope``."""
        return self.households.with_open_warnings(scope)

    def audit(self, county: str | None, limit: int = 1000) -> list[dict]:
        """Who changed which file, when and why (newest first)."""
        return self.history.audit(county, None, limit)


def _dry_run_payload(kind: str, payload: dict) -> dict:
    if kind == "add_member":
        return {"member": {**payload["member"], "member_id": "M000000000000"}}
    return payload


def _storable(payload: dict) -> dict:
    """Plain JSON for the store."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in payload.items()}
