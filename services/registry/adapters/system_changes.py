"""Changes to household files that a program's event asks for (an event type declared with
``moves_household_to``): made through the change-request path like a person's, proposed and
decided by the system, with the event as its reason — so the file's history shows who
(``system/<program>``), why, and the old and new area.

Exactly once: the request's id comes from the event id, and applying a request is already
idempotent per file (``applied_changes``), so a redelivered or republished event finds the
request applied and changes nothing."""
from __future__ import annotations

import hashlib
import logging

from services.registry.adapters.change_requests import ChangeRequests
from services.registry.adapters.households import HouseholdRepository
from services.registry.domain.change_requests import ChangeRefused
from shared.store import WriteConflict

log = logging.getLogger(__name__)

ATTEMPTS = 5  # a person may change the same file meanwhile: re-read and try again


def request_id_for(event_id: str) -> str:
    return "CRSYS" + hashlib.sha256(event_id.encode()).hexdigest()[:12].upper()


class SystemChanges:
    def __init__(self, households: HouseholdRepository, requests: ChangeRequests):
        self.households = households
        self.requests = requests

    def apply(self, envelope, event_type) -> None:
        if not event_type.moves_household_to:
            return
        rid = request_id_for(envelope.id)
        existing = self.requests.get(rid)
        if existing and existing["status"] == "applied":
            return
        file = self.households.households.find_one({"_id": envelope.subject})
        payload = {file_field: envelope.data[data_field] for file_field, data_field in event_type.moves_household_to}
        reasons = {lang: event_type.title(envelope.data, lang) for lang in ("zh", "en")}
        reason = f"{reasons['zh']} / {reasons['en']}"
        request = existing or self.requests.record_system(file, rid, "move_area", payload, reason,
                                                          f"system/{event_type.program}", envelope.id, reasons)
        if all(file.get(k) == v for k, v in payload.items()) and rid not in file.get("applied_changes", []):
            self.requests.mark_applied(rid, [])  # already there: no new version of the file
            return
        for attempt in range(ATTEMPTS):
            try:
                touched = self.households.apply_change(request, request["proposed_by"])
                break
            except WriteConflict:
                if attempt == ATTEMPTS - 1:
                    raise
            except ChangeRefused as exc:
                # The file cannot change (a removed household): the event stays applied, the
                # request keeps the reason; retrying would refuse again, so the partition moves on.
                log.warning("system change refused", extra={"request": rid, "reason": str(exc)})
                self.requests.mark_refused(rid, str(exc))
                return
        self.requests.mark_applied(rid, touched)
