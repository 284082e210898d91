"""The micro-credit service layer: each use case checks the rules (domain/) against what is
stored and records the change with its events through a repository. Free of Flask; the web
layer authorizes first and turns ``Refused`` into the API's error shape or a form's errors."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from shared.events.types import microcredit as ev
from shared.programs.households import HouseholdGuard
from shared.programs.refused import Refused
from services.microcredit.adapters.common import emit
from services.microcredit.adapters.funds import FundRepository
from services.microcredit.adapters.loans import LoanRepository, new_loan_id
from services.microcredit.adapters.ratings import RatingRepository
from services.microcredit.domain import loans as rules
from services.microcredit.domain import overdue as overdue_rules
from services.microcredit.domain import ratings as rating_rules
from services.microcredit.domain import report as report_rules
from services.microcredit.domain.policy import Policy
from services.microcredit.domain.states import APPROVE, DISBURSE, OVERDUE, REJECT, transition

OVERDUE_IDS = uuid.UUID("6f1d8a52-3c1e-4d4b-9d8e-2f2b8c0a7e11")   # namespace of overdue events' ids


@dataclass
class Microcredit:
    ratings: RatingRepository
    loans: LoanRepository
    funds: FundRepository
    households: HouseholdGuard
    policy: Policy

    @classmethod
    def build(cls, db, households: HouseholdGuard, policy: Policy) -> "Microcredit":
        m = cls(RatingRepository(db), LoanRepository(db), FundRepository(db), households, policy)
        for repo in (m.ratings, m.loans, m.funds):
            repo.ensure_indexes()
        return m

    # --- households and ratings -----------------------------------------------------------
    def household(self, household_id: str) -> dict:
        """The household's file known here, if it is enrolled in micro-credit; else Refused."""
        return self.households.require_enrolled(household_id)

    def rate(self, fields: dict, by: str) -> dict:
        household = self.household(fields["household_id"])
        problems = rating_rules.rating_problems(fields["grade"], fields["credit_line_fen"],
                                                self.policy.max_principal_fen)
        if problems:
            raise Refused.of(problems)
        if fields["rated_on"] > date.today():
            raise Refused("A rating cannot be dated in the future.", "rated_on", 422)
        until = rating_rules.valid_until(fields["rated_on"], self.policy.rating_valid_days)
        return self.ratings.record(household, {
            "grade": fields["grade"], "credit_line_fen": fields["credit_line_fen"],
            "rated_on": fields["rated_on"].isoformat(), "valid_until": until.isoformat(),
            "note": fields.get("note", "")}, by)

    # --- the loan's lifecycle -------------------------------------------------------------
    def apply(self, fields: dict, by: str) -> dict:
        household = self.household(fields["household_id"])
        rules.check_terms(fields["principal_fen"], fields["term_months"], self.policy)
        applied_on = fields.get("applied_on") or date.today()
        rating_rules.check_lending(self.ratings.get(household["_id"]), household["_id"], fields["principal_fen"],
                                   applied_on)
        loan_id = new_loan_id()
        doc = {"_id": loan_id, "household_id": household["_id"], "head_name": household.get("head_name", ""),
               "village": household.get("village", ""), "county_code": household["county_code"],
               "principal_fen": fields["principal_fen"], "term_months": fields["term_months"],
               "method": fields["method"], "purpose": fields["purpose"], "bank": fields["bank"],
               "annual_rate": str(self.policy.annual_rate), "subsidy_share": str(self.policy.subsidy_share),
               "applied_on": applied_on.isoformat(), "status": "applied", "recorded_by": by,
               "principal_paid_fen": 0, "interest_paid_fen": 0, "subsidy_fen": 0}
        event, history = emit(ev.LOAN_APPLIED, household["_id"], {
            "recorded_by": by, "loan_id": loan_id, "principal_fen": doc["principal_fen"],
            "term_months": doc["term_months"], "method": doc["method"], "annual_rate": doc["annual_rate"],
            "purpose": doc["purpose"], "bank": doc["bank"], "applied_on": doc["applied_on"]})
        return self.loans.create(doc, event, history)

    def approve(self, loan: dict, approved_on: date, by: str) -> dict:
        status = transition(loan["status"], APPROVE)
        rules.check_not_before(approved_on, loan["applied_on"], "approved_on", "the application")
        event = emit(ev.LOAN_APPROVED, loan["household_id"], {
            "recorded_by": by, "loan_id": loan["_id"], "principal_fen": loan["principal_fen"],
            "approved_on": approved_on.isoformat()})
        return self.loans.save(loan, {"status": status, "approved_on": approved_on.isoformat(), "approved_by": by},
                               [event])

    def reject(self, loan: dict, rejected_on: date, reason: str, by: str) -> dict:
        status = transition(loan["status"], REJECT)
        rules.check_not_before(rejected_on, loan["applied_on"], "rejected_on", "the application")
        event = emit(ev.LOAN_REJECTED, loan["household_id"], {
            "recorded_by": by, "loan_id": loan["_id"], "rejected_on": rejected_on.isoformat(), "reason": reason})
        return self.loans.save(loan, {"status": status, "rejected_on": rejected_on.isoformat(), "reason": reason},
                               [event], close=True)

    def disburse(self, loan: dict, disbursed_on: date, by: str) -> dict:
        status = transition(loan["status"], DISBURSE)
        rules.check_not_before(disbursed_on, loan.get("approved_on"), "disbursed_on", "the approval")
        if disbursed_on > date.today():
            raise Refused("A disbursement cannot be recorded in the future.", "disbursed_on", 422)
        # The rating must still hold on the day the money goes out.
        rating_rules.check_lending(self.ratings.get(loan["household_id"]), loan["household_id"],
                                   loan["principal_fen"], disbursed_on, "disbursed_on")
        schedule = rules.disbursement(loan, disbursed_on)
        first = schedule[0]
        event = emit(ev.LOAN_DISBURSED, loan["household_id"], {
            "recorded_by": by, "loan_id": loan["_id"], "principal_fen": loan["principal_fen"],
            "term_months": loan["term_months"], "method": loan["method"], "annual_rate": loan["annual_rate"],
            "disbursed_on": disbursed_on.isoformat(), "first_due_on": first["due_on"],
            "maturity_on": schedule[-1]["due_on"], "instalment_fen": first["principal_fen"] + first["interest_fen"]})
        return self.loans.save(loan, {"status": status, "disbursed_on": disbursed_on.isoformat(),
                                      "schedule": schedule, "maturity_on": schedule[-1]["due_on"]}, [event])

    def repay(self, loan_id: str, fields: dict, by: str) -> tuple[dict, dict, bool]:
        """(loan, repayment, created). A bank's report repeated with the same ``partner_ref``
        returns the repayment recorded the first time and records nothing."""
        for _ in range(5):
            loan = self.loans.require(loan_id)
            ref = fields.get("partner_ref")
            if ref:
                for repayment in loan["repayments"]:
                    if repayment.get("partner_ref") == ref and repayment.get("partner") == fields.get("partner"):
                        if (repayment["amount_fen"], repayment["paid_on"]) != (fields["amount_fen"],
                                                                               fields["paid_on"].isoformat()):
                            raise Refused(f"report {ref} was recorded on {repayment['paid_on']} as "
                                          f"{repayment['amount_fen']} fen ({repayment['id']}); a different "
                                          f"report needs another reference", "partner_ref")
                        return loan, repayment, False
            try:
                return (*self._record_repayment(loan, fields, by), True)
            except Refused as exc:
                if exc.field != "rev":      # lost a race: read again (the ref may be there now)
                    raise
        raise Refused("The loan keeps changing; try again.", "rev")

    def _record_repayment(self, loan: dict, fields: dict, by: str) -> tuple[dict, dict]:
        paid_on = fields["paid_on"]
        if paid_on > date.today():
            raise Refused("A repayment cannot be recorded in the future.", "paid_on", 422)
        outcome = rules.repayment(loan, fields["amount_fen"], paid_on)
        hid, number = loan["household_id"], len(loan["repayments"]) + 1
        repayment = {"id": f"{loan['_id']}-R{number}", "amount_fen": fields["amount_fen"],
                     "paid_on": paid_on.isoformat(), "interest_fen": outcome["interest_fen"],
                     "principal_fen": outcome["principal_fen"], "lines": outcome["lines"],
                     "source": "bank" if fields.get("partner") or fields.get("partner_ref") else "operator", "partner": fields.get("partner"),
                     "partner_ref": fields.get("partner_ref"), "recorded_by": by}
        principal_left = loan["principal_fen"] - loan["principal_paid_fen"] - outcome["principal_fen"]
        events = [emit(ev.REPAYMENT_RECORDED, hid, {
            "recorded_by": by, "loan_id": loan["_id"], "repayment_id": repayment["id"],
            "amount_fen": repayment["amount_fen"], "interest_fen": repayment["interest_fen"],
            "principal_fen": repayment["principal_fen"], "paid_on": repayment["paid_on"],
            "source": repayment["source"], "partner": repayment["partner"], "principal_left_fen": principal_left})]
        subsidy = 0
        for s in outcome["subsidies"]:
            subsidy += s["subsidy_fen"]
            events.append(emit(ev.INTEREST_SUBSIDIZED, hid, {
                "recorded_by": by, "loan_id": loan["_id"], "instalment_no": s["no"], "interest_fen": s["interest_fen"],
                "subsidy_fen": s["subsidy_fen"], "subsidy_share": loan["subsidy_share"],
                "paid_on": repayment["paid_on"]}))
        sets = {"status": outcome["status"], "schedule": outcome["schedule"],
                "repayments": loan["repayments"] + [repayment],
                "principal_paid_fen": loan["principal_paid_fen"] + outcome["principal_fen"],
                "interest_paid_fen": loan["interest_paid_fen"] + outcome["interest_fen"],
                "subsidy_fen": loan["subsidy_fen"] + subsidy}
        if outcome["status"] != OVERDUE:
            sets.update(days_past_due=0, overdue_fen=0)
        if outcome["closed"]:
            sets["closed_on"] = repayment["paid_on"]
            events.append(emit(ev.LOAN_CLOSED, hid, {
                "recorded_by": by, "loan_id": loan["_id"], "closed_on": repayment["paid_on"],
                "principal_fen": loan["principal_fen"], "interest_paid_fen": sets["interest_paid_fen"],
                "subsidy_fen": sets["subsidy_fen"]}))
        return self.loans.save(loan, sets, events, close=outcome["closed"]), repayment

    def extend(self, loan: dict, fields: dict, by: str) -> dict:
        outcome = rules.extension(loan, fields["months"], fields["extended_on"], self.policy)
        event = emit(ev.LOAN_EXTENDED, loan["household_id"], {
            "recorded_by": by, "loan_id": loan["_id"], "extended_on": fields["extended_on"].isoformat(),
            "months": fields["months"], "principal_fen": outcome["principal_fen"],
            "maturity_on": outcome["maturity_on"], "reason": fields["reason"]})
        return self.loans.save(loan, {"status": outcome["status"], "schedule": outcome["schedule"],
                                      "extended_on": fields["extended_on"].isoformat(),
                                      "extension_months": fields["months"], "maturity_on": outcome["maturity_on"],
                                      "days_past_due": 0, "overdue_fen": 0}, [event])

    def write_off(self, loan: dict, fields: dict, by: str) -> dict:
        """Draw the principal still owed from the county fund (the event goes with the draw),
        then close the loan. Retried after a crash between the two, it finishes the loan
        without drawing again."""
        outcome = rules.write_off(loan, fields["written_off_on"])
        day = fields["written_off_on"].isoformat()
        event, history = emit(ev.LOAN_WRITTEN_OFF, loan["household_id"], {
            "recorded_by": by, "loan_id": loan["_id"], "written_off_on": day,
            "principal_fen": outcome["principal_fen"], "interest_fen": outcome["interest_fen"],
            "county_code": loan["county_code"], "reason": fields["reason"]})
        self.funds.draw(loan["county_code"], loan["_id"], outcome["principal_fen"], day, by, event)
        return self.loans.save(loan, {"status": outcome["status"], "written_off_on": day,
                                      "written_off_fen": outcome["principal_fen"], "reason": fields["reason"]},
                               histories=[history], close=True)

    # --- the daily overdue check ------------------------------------------------------------
    def check_overdue(self, today: date, by: str = "overdue-check") -> list[str]:
        """Mark every lent loan's instalments with their days past due on ``today``; a loan
        with an instalment newly overdue turns overdue and publishes one event. Once per loan
        and day: the loan remembers the day checked, and the event id is derived from the
        loan and the day, so a second run (or a retry after a crash) publishes nothing new."""
        published = []
        for loan in self.loans.lent():
            if loan.get("overdue_checked_on", "") >= today.isoformat():
                continue
            schedule, newly = overdue_rules.mark(loan["schedule"], today)
            late = overdue_rules.overdue_instalments(schedule, today)
            sets = {"schedule": schedule, "overdue_checked_on": today.isoformat(),
                    "days_past_due": max((i["days_past_due"] for i in late), default=0),
                    "overdue_fen": sum(i["owed_fen"] for i in late)}
            events = []
            if newly:
                sets["status"] = rules.fall_overdue(loan["status"])
                event_id = str(uuid.uuid5(OVERDUE_IDS, f"{loan['_id']}:{today.isoformat()}"))
                events.append(emit(ev.LOAN_OVERDUE, loan["household_id"], {
                    "recorded_by": by, "loan_id": loan["_id"], "checked_on": today.isoformat(),
                    "days_past_due": sets["days_past_due"], "overdue_instalments": len(late),
                    "overdue_fen": sets["overdue_fen"]}, event_id))
            try:
                self.loans.save(loan, sets, events)
            except Refused:
                continue    # changed meanwhile (a repayment): tomorrow's check sees it
            if events:
                published.append(loan["_id"])
        return published

    # --- the report ----------------------------------------------------------------------
    def report(self, scope: dict, first: str | None, last: str | None, county_code: str | None) -> dict:
        first, last = report_rules.resolve_range(first, last, date.today())
        month_list = report_rules.months(first, last)
        rows = report_rules.rows(self.loans.for_report(scope, county_code), month_list)
        return {"first": first, "last": last, "months": month_list, "rows": rows,
                "totals": report_rules.totals(rows, month_list)}

    # --- the fund ------------------------------------------------------------------------
    def deposit(self, county_code: str, fields: dict, by: str) -> dict:
        if fields["deposited_on"] > date.today():
            raise Refused("A deposit cannot be recorded in the future.", "deposited_on", 422)
        return self.funds.deposit(county_code, fields["amount_fen"], fields["deposited_on"].isoformat(),
                                  fields.get("note", ""), by)
