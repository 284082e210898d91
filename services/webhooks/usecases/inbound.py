"""A partner's signed report, from the HTTP request to the program's own command.

Checks, each with its own refusal: the partner exists; the Standard Webhooks signature and
timestamp (5 minutes' tolerance, by the ``standardwebhooks`` library); the message id is new
(replays refused, ids kept); the report kind exists and its program is one the partner may
report to; the body fits the kind's schema. Then the report goes to the inbox (one entry per
partner, kind and ``partner_ref``) and is forwarded to the program's API with our service
token. The program's refusal (unknown household, …) is the partner's answer; a program that
does not answer gets the report later from the worker (202 now)."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

from marshmallow import ValidationError
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from shared.programs.refused import Refused
from services.webhooks.adapters.http import ProgramClient, Unreachable
from services.webhooks.adapters.inbox import APPLIED, REFUSED, InboxRepository
from services.webhooks.adapters.partners import PartnerRepository
from services.webhooks.domain.reports import REPORT_KINDS
from services.webhooks.domain.schedule import next_attempt_at

log = logging.getLogger(__name__)
# Forwarding to a program that is down: a minute apart at first, then hourly, for two days.
FORWARD_SCHEDULE = (0, 10, 60, 300, 900, 1800) + (3600,) * 48


def _now() -> datetime:
    return datetime.now(timezone.utc)


def verify(secret: str, body: bytes, headers: dict) -> None:
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError as exc:
        text = str(exc)
        if "timestamp too" in text:
            raise Refused(f"webhook-timestamp outside the 5-minute tolerance ({text})",
                          status=401, reason="stale_timestamp") from None
        if "Missing" in text:
            raise Refused("webhook-id, webhook-timestamp and webhook-signature are required",
                          status=401, reason="missing_headers") from None
        raise Refused("the webhook-signature does not match the body with your inbound secret",
                      status=401, reason="bad_signature") from None
    except (ValueError, TypeError) as exc:  # malformed signature entries (no "v1,")
        raise Refused(f"the webhook-signature is malformed ({exc.__class__.__name__})",
                      status=401, reason="bad_signature") from None


def program_refusal(status: int, body: dict) -> Refused:
    errors = (body.get("errors") or {}).get("json") or {}
    message = body.get("message") or "refused by the program"
    if "household_id" in errors or "unknown household" in message or "not enrolled" in message:
        return Refused(message, status=status, reason="unknown_household", errors=errors)
    return Refused(message, status=status, reason="refused_by_program", errors=errors)


class Inbound:
    def __init__(self, partners: PartnerRepository, inbox: InboxRepository, programs: ProgramClient):
        self.partners, self.inbox, self.programs = partners, inbox, programs

    def receive(self, partner_id: str, kind_name: str, body: bytes, headers: dict) -> tuple[int, dict]:
        partner = self.partners.partner(partner_id)
        if partner is None:
            raise Refused(f"no partner {partner_id}", status=404, reason="unknown_partner")
        verify(partner["inbound_secret"], body, headers)
        msg_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
        if not self.inbox.claim_message(partner_id, msg_id, _now()):
            raise Refused(f"message {msg_id} was received before; a new report needs a new webhook-id",
                          status=409, reason="replayed")
        try:
            return self._take(partner, kind_name, body, msg_id)
        except Refused:
            self.inbox.release_message(partner_id, msg_id)
            raise

    def _take(self, partner: dict, kind_name: str, body: bytes, msg_id: str) -> tuple[int, dict]:
        kind = REPORT_KINDS.get(kind_name)
        if kind is None:
            raise Refused(f"no report kind {kind_name}; known: {', '.join(REPORT_KINDS)}",
                          status=404, reason="unknown_report_kind")
        if kind.program not in partner["programs"]:
            raise Refused(f"partner {partner['_id']} may not report to {kind.program}",
                          status=403, reason="program_not_allowed")
        try:
            schema = kind.schema()
            # Validated, then back to JSON types (dates as ISO text) for the store and the program.
            report = schema.dump(schema.load(json.loads(body or b"null") or {}))
        except ValidationError as exc:
            raise Refused("the report has invalid fields", status=422, reason="invalid_field",
                          errors={"json": exc.messages}) from None
        except (ValueError, TypeError, AttributeError):
            raise Refused("the body is not a JSON object", status=422, reason="invalid_field") from None
        command = kind.command(report, partner)
        entry = self.inbox.receive(partner["_id"], kind.name, report["partner_ref"], kind.program, kind.path(report),
                                   command, msg_id, _now())
        if entry["command"] != command or entry["path"] != kind.path(report):
            # The same reference for another report: a partner's mistake to tell, not to hide.
            raise Refused(f"partner_ref {report['partner_ref']} was already used for a different report",
                          status=409, reason="partner_ref_reused",
                          errors={"json": {"partner_ref": ["already used for a different report"]}})
        if entry["status"] == APPLIED:
            return 200, {"status": "applied", "report_id": entry["_id"], "repeated": True,
                         "program_status": entry["result"]["status_code"], "record": entry["result"]["body"]}
        return self.forward(entry)

    def forward(self, entry: dict) -> tuple[int, dict]:
        """Send one inbox entry to its program; Refused if the program refuses it."""
        try:
            status, answer = self.programs.send(entry["program"], entry["path"], entry["command"])
        except Unreachable as exc:
            next_at = next_attempt_at(entry["attempts"] + 1, FORWARD_SCHEDULE, _now()) or _now() + timedelta(days=1)
            self.inbox.postpone(entry["_id"], next_at, str(exc))
            log.warning("program unreachable; report kept", extra={"report_id": entry["_id"], "error": str(exc)})
            return 202, {"status": "accepted", "report_id": entry["_id"],
                         "message": f"{entry['program']} is not reachable now; the report will be applied later"}
        result = {"status_code": status, "body": answer}
        if status < 300:
            self.inbox.settle(entry["_id"], APPLIED, result, _now())
            return (201 if status == 201 else 200), {"status": "applied", "report_id": entry["_id"],
                                                     "repeated": status != 201, "program_status": status,
                                                     "record": answer}
        self.inbox.settle(entry["_id"], REFUSED, result, _now())
        raise program_refusal(status, answer)

    def forward_due(self) -> int:
        """The worker's part: reports whose program was down. Returns how many were tried."""
        n = 0
        for entry in self.inbox.due(_now()):
            n += 1
            try:
                self.forward(entry)
            except Refused as exc:
                log.warning("report refused by the program", extra={"report_id": entry["_id"], "reason": exc.reason,
                                                                    "error": exc.message})
        return n
