"""The webhooks service layer used by the API, the pages and the worker: partners and
endpoints within their rules, secret rotation, test events, replays, inbound reports."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from shared.programs.refused import Refused
from services.webhooks.adapters.deliveries import DeliveryRepository, new_delivery
from services.webhooks.adapters.http import ProgramClient
from services.webhooks.adapters.inbox import InboxRepository
from services.webhooks.adapters.partners import ACTIVE, PartnerRepository
from services.webhooks.adapters.service_token import service_token
from services.webhooks.config import WebhookSettings
from services.webhooks.domain import secrets
from services.webhooks.domain.matching import scope_problems
from services.webhooks.domain.payload import test_payload
from services.webhooks.domain.ssrf import UnsafeUrl, check_url
from services.webhooks.usecases.inbound import Inbound


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Webhooks:
    partners: PartnerRepository
    deliveries: DeliveryRepository
    inbox: InboxRepository
    settings: WebhookSettings
    service_urls: dict
    db: object
    auth: object
    _inbound: Inbound | None = field(default=None, repr=False)

    @classmethod
    def build(cls, db, auth, settings: WebhookSettings, service_urls: dict) -> "Webhooks":
        w = cls(PartnerRepository(db), DeliveryRepository(db), InboxRepository(db), settings, service_urls, db, auth)
        for repo in (w.partners, w.deliveries, w.inbox):
            repo.ensure_indexes()
        return w

    @property
    def inbound(self) -> Inbound:
        if self._inbound is None:
            client = ProgramClient(self.service_urls, service_token(self.db, self.auth), self.settings.forward_timeout)
            self._inbound = Inbound(self.partners, self.inbox, client)
        return self._inbound

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
            raise Refused("The endpoint cannot be saved.", status=422, reason="invalid_field",
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
