"""From the consolidated stream to deliveries: one per (event, endpoint) that matches,
written before the consumer commits the record's offset."""
from __future__ import annotations

from datetime import datetime, timezone

from shared.events.types.registry import ASSISTANCE_RECORDED
from services.webhooks.adapters.deliveries import PARKED, DeliveryRepository, new_delivery
from services.webhooks.adapters.partners import ACTIVE, PartnerRepository
from services.webhooks.domain.matching import matches
from services.webhooks.domain.payload import partner_payload


class Intake:
    def __init__(self, partners: PartnerRepository, deliveries: DeliveryRepository):
        self.partners, self.deliveries = partners, deliveries
        self._rev, self._routes = None, []

    def routes(self) -> list[tuple[dict, dict]]:
        """(endpoint, partner) pairs, reloaded whenever a partner or endpoint changed."""
        rev = self.partners.rev()
        if rev != self._rev:
            partners = self.partners.all_partners()
            self._routes = [(e, partners[e["partner_id"]]) for e in self.partners.all_endpoints()
                            if e["partner_id"] in partners]
            self._rev = rev
        return self._routes

    def handle(self, envelope, event_type, position) -> int:
        """Record the deliveries of one stream record; returns how many were new."""
        if envelope.type != ASSISTANCE_RECORDED.type:
            return 0
        event = envelope.data
        now = datetime.now(timezone.utc)
        # Endpoints switched off still get their deliveries recorded: switched on again, they
        # receive what happened meanwhile.
        docs = [{**new_delivery(f"{event['event_id']}:{endpoint['_id']}", endpoint, partner_payload(event), now,
                                event["household_id"], position.offset, event["event_id"]),
                 "endpoint_status": endpoint["status"]}
                for endpoint, partner in self.routes() if matches(endpoint, partner, event)]
        for doc in docs:
            if doc["endpoint_status"] != ACTIVE:
                doc["next_at"] = PARKED
            del doc["endpoint_status"]
        return len(docs) - len(self.deliveries.add(docs))
