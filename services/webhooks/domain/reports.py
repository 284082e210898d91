"""Partners' reports and the program command each becomes.

A report names the partner's own reference (``partner_ref``): the same report sent again is
applied once — our inbox is keyed by partner, kind and reference, and each program's
endpoint is idempotent by ``partner_ref`` as well."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from marshmallow import fields, validate

from shared.auth.roles import grant
from shared.events.types.common import Fen, HouseholdId
from shared.programs.refused import Refused
from shared.web.schemas import StrictSchema


def _ref():
    return fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"description": "the partner's own id of this report: sent again, applied once"})


class SalesReportSchema(StrictSchema):
    partner_ref = _ref()
    household_id = HouseholdId()
    product = fields.String(required=True, validate=validate.Length(min=1, max=200))
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**9))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    amount_fen = Fen(required=True)
    income_fen = Fen(required=True)
    sold_on = fields.Date(required=True)


class GenerationReportSchema(StrictSchema):
    partner_ref = _ref()
    installation_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    month = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$"))
    kwh = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**9))
    tariff_fen_per_kwh = fields.Float(required=True, validate=validate.Range(min=0.01, max=1000))
    revenue_fen = Fen(load_default=None, allow_none=True)


class RepaymentReportSchema(StrictSchema):
    partner_ref = _ref()
    loan_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    amount_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=10**12))
    paid_on = fields.Date(required=True)


@dataclass(frozen=True)
class ReportKind:
    name: str
    program: str
    schema: type
    route: str                                      # the program's URL rule it is sent to (POST)
    path: Callable[[dict], str]                     # … and that rule's path for this report
    command: Callable[[dict, dict], dict]           # (report, partner) → the program's request body


def _sale(report: dict, partner: dict) -> dict:
    body = {k: v for k, v in report.items()}
    return {**body, "channel": "partner_platform", "partner": partner.get("platform") or "other"}


def _generation(report: dict, partner: dict) -> dict:
    body = {k: v for k, v in report.items() if k != "partner_ref" and v is not None}
    return {**body, "source": "power_company"}


def _repayment(report: dict, partner: dict) -> dict:
    return {"amount_fen": report["amount_fen"], "paid_on": report["paid_on"], "partner": partner["_id"],
            "partner_ref": report["partner_ref"]}


REPORT_KINDS = {k.name: k for k in (
    ReportKind("sales", "ecommerce", SalesReportSchema, "/api/sales", lambda r: "/api/sales", _sale),
    ReportKind("generation", "photovoltaic", GenerationReportSchema, "/api/reports", lambda r: "/api/reports", _generation),
    ReportKind("repayments", "microcredit", RepaymentReportSchema, "/api/loans/<loan_id>/repayments",
               lambda r: f"/api/loans/{r['loan_id']}/repayments", _repayment),
)}


def forwarding_grants() -> tuple:
    """What the webhooks service may call, and nothing more: each report kind's route."""
    return tuple(sorted({grant(k.program, "POST", k.route) for k in REPORT_KINDS.values()}))


def program_refusal(status: int, body: dict) -> Refused:
    """The program's refusal of a report, as the partner's answer: its status, message and
    field errors, with the reason ``unknown_household`` or ``refused_by_program``."""
    errors = (body.get("errors") or {}).get("json") or {}
    message = body.get("message") or "refused by the program"
    if "household_id" in errors or "unknown household" in message or "not enrolled" in message:
        return Refused(message, status=status, reason="unknown_household", errors=errors)
    return Refused(message, status=status, reason="refused_by_program", errors=errors)
