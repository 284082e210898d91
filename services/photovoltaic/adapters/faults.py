"""Faults: one document per outage of an installation, carrying the events to its
households (reported, restored, and once the outage lasted too long the risk signal).
While a fault is open it holds ``open_key`` = the installation id under a unique index,
so an installation has at most one open fault."""
from __future__ import annotations

from datetime import date, datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.types import photovoltaic as ev
from shared.programs.refused import Refused
from shared.programs.records import only, prefix, PUBLIC, scoped
from services.photovoltaic.adapters.common import fan_out
from services.photovoltaic.domain.faults import OPEN, RESTORED, days_down, new_fault_id, risk_due
from services.photovoltaic.domain.installations import households_of


def _about(fault: dict, by: str) -> dict:
    return {"installation_id": fault["installation_id"], "installation_name": fault["installation_name"],
            "kind": fault["kind"], "recorded_by": by, "fault_id": fault["_id"], "down_since": fault["down_since"]}


class FaultRepository:
    def __init__(self, db: Database):
        self.faults = db["faults"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.faults)
        self.faults.create_index("open_key", unique=True, sparse=True)
        self.faults.create_index([("status", ASCENDING), ("down_since", ASCENDING)])
        self.faults.create_index([("installation_id", ASCENDING), ("down_since", DESCENDING)])

    def get(self, fid: str) -> dict | None:
        return self.faults.find_one({"_id": fid}, PUBLIC)

    def require(self, fid: str) -> dict:
        doc = self.get(fid)
        if doc is None:
            raise Refused(f"no fault {fid}", "fault_id", 404)
        return doc

    def open_for(self, installation_ids: list[str]) -> dict[str, dict]:
        """The open fault of each of these installations that has one."""
        found = self.faults.find({"open_key": {"$in": installation_ids}}, {"installation_id": 1, "down_since": 1})
        return {f["installation_id"]: f for f in found}

    def open_installation_ids(self, scope: dict) -> list[str]:
        return [f["installation_id"] for f in self.faults.find(scoped(scope, {"status": OPEN}), {"installation_id": 1})]

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, **only(filters, "installation_id", "status", "cause", "county_code"))
        if filters.get("q"):
            query["installation_name"] = prefix(filters["q"].strip())
        cursor = self.faults.find(query, {**PUBLIC, "events": 0}).sort("down_since", DESCENDING)
        return list(cursor.skip(skip).limit(limit)), self.faults.count_documents(query)

    def report(self, installation: dict, fields: dict, by: str) -> dict:
        recipients = households_of(installation)
        doc = {"_id": new_fault_id(), "installation_id": installation["_id"], "installation_name": installation["name"],
               "kind": installation["kind"], "county_code": installation["county_code"],
               "village_code": installation["village_code"], "down_since": fields["down_since"].isoformat(),
               "cause": fields["cause"], "note": fields.get("note", ""), "status": OPEN,
               "open_key": installation["_id"], "risk_raised": False, "household_ids": recipients,
               "reported_by": by, "reported_at": datetime.now(timezone.utc), "rev": 1}
        events, history = fan_out(ev.FAULT_REPORTED, {**_about(doc, by), "cause": doc["cause"], "note": doc["note"]},
                                  recipients)
        try:
            outbox.insert(self.faults, {**doc, "events": [history]}, *events)
        except DuplicateKeyError:
            current = self.open_for([installation["_id"]]).get(installation["_id"], {})
            raise Refused(f"{installation['name']} is already down since {current.get('down_since', '?')} "
                          f"(fault {current.get('_id', '?')}); restore that one first", "installation_id") from None
        return self.get(doc["_id"])

    def restore(self, fault: dict, installation: dict, restored_on: date, by: str, threshold_days: int) -> dict:
        """Close the fault; if it lasted the threshold and no check raised the risk yet, the
        risk signal goes out in the same write."""
        recipients = households_of(installation)
        down = days_down(date.fromisoformat(fault["down_since"]), restored_on)
        events, history = fan_out(ev.FAULT_RESTORED, {**_about(fault, by), "restored_on": restored_on.isoformat(),
                                                       "days_down": down}, recipients)
        sets = {"status": RESTORED, "restored_on": restored_on.isoformat(), "days_down": down,
                "restored_by": by, "restored_at": datetime.now(timezone.utc)}
        histories = [history]
        if risk_due(fault, restored_on, threshold_days):
            risk_events, risk_history = self._risk(fault, recipients, down, threshold_days, restored_on, by)
            events, histories = events + risk_events, [risk_history, history]
            sets.update(risk_raised=True, risk_raised_on=restored_on.isoformat())
        result = outbox.update(self.faults, {"_id": fault["_id"], "status": OPEN, "rev": fault["rev"]},
                               {"$set": sets, "$unset": {"open_key": ""}, "$inc": {"rev": 1},
                                "$push": {"events": {"$each": histories}}}, *events)
        if not result.matched_count:
            raise Refused("The fault changed meanwhile; reload and try again.")
        return self.get(fault["_id"])

    def raise_if_due(self, fault: dict, installation: dict, today: date, by: str, threshold_days: int) -> bool:
        """The daily check: raise the risk once per fault (guarded by ``risk_raised``)."""
        if not risk_due(fault, today, threshold_days):
            return False
        down = days_down(date.fromisoformat(fault["down_since"]), today)
        events, history = self._risk(fault, households_of(installation), down, threshold_days, today, by)
        result = outbox.update(self.faults, {"_id": fault["_id"], "status": OPEN, "risk_raised": False},
                               {"$set": {"risk_raised": True, "risk_raised_on": today.isoformat()},
                                "$inc": {"rev": 1}, "$push": {"events": history}}, *events)
        return bool(result.modified_count)

    def due_for_check(self, today: date, threshold_days: int) -> list[dict]:
        cutoff = date.fromordinal(today.toordinal() - threshold_days).isoformat()
        return list(self.faults.find({"status": OPEN, "risk_raised": False, "down_since": {"$lte": cutoff}}, PUBLIC))

    @staticmethod
    def _risk(fault: dict, recipients: list[str], down: int, threshold_days: int, on: date, by: str):
        return fan_out(ev.DOWN_TOO_LONG, {**_about(fault, by), "days_down": down, "threshold_days": threshold_days,
                                          "checked_on": on.isoformat()}, recipients)
