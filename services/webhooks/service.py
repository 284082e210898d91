"""The webhooks service layer: partners and endpoints within their rules, secret rotation,
test events, replays, and partners' signed reports on their way to the programs. Free of
Flask: the API, the pages and the worker build it alike (``Webhooks.build``); the web layer
authorizes first and turns ``Refused`` into the API's error shape (with its ``reason``) or a
form's errors. The worker's own parts (intake and dispatch) are in delivery/."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from marshmallow import ValidationError

from shared.messages import N_
from shared.programs.refused import Refused
from services.webhooks.adapters.deliveries import DeliveryRepository, new_delivery
from services.webhooks.adapters.http import ProgramClient, Unreachable
from services.webhooks.adapters.inbox import APPLIED, REFUSED, InboxRepository
from services.webhooks.adapters.partners import ACTIVE, PartnerRepository
from services.webhooks.adapters.service_token import ServiceCredential
from services.webhooks.config import WebhookSettings
from services.webhooks.domain import secrets
from services.webhooks.domain.matching import scope_problems
from services.webhooks.domain.payload import test_payload
from services.webhooks.domain.reports import REPORT_KINDS, program_refusal
from services.webhooks.domain.schedule import FORWARD_SCHEDULE, next_attempt_at
from services.webhooks.domain.ssrf import UnsafeUrl, check_url

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Webhooks:
    partners: PartnerRepository
    deliveries: DeliveryRepository
    inbox: InboxRepository
    settings: WebhookSettings
    service_urls: dict
    credential: ServiceCredential | None
    _programs: ProgramClient | None = field(default=None, repr=False)

    @classmethod
    def build(cls, db, credential: ServiceCredential | None, settings: WebhookSettings, service_urls: dict) -> "Webhooks":
        """``credential``: the service's own token for the programs (None: forwards nothing)."""
        w = cls(PartnerRepository(db), DeliveryRepository(db), InboxRepository(db), settings, service_urls, credential)
        for repo in (w.partners, w.deliveries, w.inbox):
            repo.ensure_indexes()
        return w

    @property
    def programs(self) -> ProgramClient:
        """The program services' API as our service user; its token is read (or issued) on
        first use, not when the service is built."""
        if self._programs is None:
            self._programs = ProgramClient(self.service_urls, self.credential.token(), self.settings.forward_timeout)
        return self._programs

    # --- partners -----------------------------------------------------------------
    def create_partner(self, fields: dict, by: str) -> dict:
        return self.partners.create_partner(fields, by)

    def edit_partner(self, partner: dict, fields: dict) -> dict:
        return self.partners.edit_partner(partner["_id"], fields)

    # --- endpoints ----------------------------------------------------------------
    def _check(self, endpoint: dict, partner: dict) -> None:
        problems = scope_problems(endpoint, partner)
        try:
            check_url(endpoint["url"], self.settings.allowed_hosts)
        except UnsafeUrl as exc:
            problems["url"] = [str(exc)]
        if problems:
            raise Refused(N_("The endpoint cannot be saved."), status=422, reason="invalid_field",
                          errors={"json": problems})

    def create_endpoint(self, partner: dict, fields: dict, by: str) -> dict:
        self._check(fields, partner)
        return self.partners.create_endpoint(partner, fields, by)

    def edit_endpoint(self, endpoint: dict, fields: dict) -> dict:
        self._check({**endpoint, **fields}, self.partners.partner(endpoint["partner_id"]))
        doc = self.partners.edit_endpoint(endpoint["_id"], fields)
        if fields.get("status") == ACTIVE:
            self.deliveries.unpark(endpoint["_id"], _now())
        return doc

    def rotate(self, endpoint: dict, overlap_seconds: float | None = None) -> dict:
        overlap = self.settings.rotation_overlap if overlap_seconds is None else overlap_seconds
        return self.partners.set_secrets(endpoint["_id"], secrets.rotated(endpoint["secrets"], _now(), overlap))

    def send_test(self, endpoint: dict) -> dict:
        now = _now()
        doc = new_delivery(f"test:{endpoint['_id']}:{now.timestamp():.6f}", endpoint, test_payload(endpoint["_id"]),
                           now, kind="test")
        self.deliveries.add([doc])
        return doc

    def replay(self, delivery: dict) -> dict:
        return self.deliveries.replay(delivery, self.partners.endpoint(delivery["endpoint_id"]), _now())

    def replay_range(self, endpoint: dict, start: datetime, end: datetime) -> list[dict]:
        return [self.deliveries.replay(d, endpoint, _now()) for d in self.deliveries.in_range(endpoint["_id"], start, end)]

    # --- partners' reports --------------------------------------------------------
    def receive_report(self, partner_id: str, kind_name: str, body: bytes, headers: dict) -> tuple[int, dict]:
        """A partner's signed report, from the HTTP request to the program's own command:
        (status, answer), or Refused with its reason.

        Checks, each with its own refusal: the partner exists; the Standard Webhooks signature
        and timestamp (5 minutes' tolerance, by the ``standardwebhooks`` library); the message
        id is new (replays refused, ids kept); the report kind exists and its program is one
        the partner may report to; the body fits the kind's schema. Then the report goes to
        the inbox (one entry per partner, kind and ``partner_ref``) and is forwarded to the
        program's API with our service token. The program's refusal (unknown household, …)
        is the partner's answer; a program that does not answer gets the report later from
        the worker (202 now)."""
        partner = self.partners.partner(partner_id)
        if partner is None:
            raise Refused(f"no partner {partner_id}", status=404, reason="unknown_partner")
        secrets.verify(partner["inbound_secret"], body, headers)
        msg_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
        if not self.inbox.claim_message(partner_id, msg_id, _now()):
            raise Refused(f"message {msg_id} was received before; a new report needs a new webhook-id",
                          status=409, reason="replayed")
        try:
            return self._take_report(partner, kind_name, body, msg_id)
        except Refused:
            self.inbox.release_message(partner_id, msg_id)
            raise

    def _take_report(self, partner: dict, kind_name: str, body: bytes, msg_id: str) -> tuple[int, dict]:
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
            if status == 401:   # our token was rotated meanwhile (by another process): read it again, once
                self._programs = None
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
