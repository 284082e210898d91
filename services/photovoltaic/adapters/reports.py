"""Generation reports: one document per installation and month (deterministic id), carrying
the events published to the households concerned."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.types import photovoltaic as ev
from shared.programs.refused import Refused
from shared.programs.records import only, prefix, PUBLIC, scoped
from services.photovoltaic.adapters.common import fan_out
from services.photovoltaic.domain.generation import income_to, report_id
from services.photovoltaic.domain.installations import households_of


class ReportRepository:
    def __init__(self, db: Database):
        self.reports = db["reports"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.reports)
        self.reports.create_index([("month", DESCENDING), ("county_code", ASCENDING)])
        self.reports.create_index([("installation_id", ASCENDING), ("month", DESCENDING)])

    def get(self, rid: str) -> dict | None:
        return self.reports.find_one({"_id": rid}, PUBLIC)

    def require(self, rid: str) -> dict:
        doc = self.get(rid)
        if doc is None:
            raise Refused(f"no generation report {rid}", "report_id", 404)
        return doc

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = scoped(scope, **only(filters, "installation_id", "month", "source", "kind", "county_code"))
        if filters.get("q"):
            query["installation_name"] = prefix(filters["q"].strip())
        cursor = self.reports.find(query, PUBLIC).sort([("month", DESCENDING), ("recorded_at", DESCENDING)])
        return list(cursor.skip(skip).limit(limit)), self.reports.count_documents(query)

    def record(self, installation: dict, fields: dict, revenue_fen: int, by: str) -> dict:
        rid = report_id(installation["_id"], fields["month"])
        recipients = households_of(installation)
        doc = {"_id": rid, "installation_id": installation["_id"], "installation_name": installation["name"],
               "kind": installation["kind"], "county_code": installation["county_code"],
               "village_code": installation["village_code"], "month": fields["month"], "kwh": fields["kwh"],
               "tariff_fen_per_kwh": fields["tariff_fen_per_kwh"], "revenue_fen": revenue_fen,
               "income_fen": income_to(installation, revenue_fen), "source": fields["source"],
               "household_ids": recipients, "recorded_by": by, "recorded_at": datetime.now(timezone.utc), "rev": 1}
        data = {"installation_id": installation["_id"], "installation_name": installation["name"],
                "kind": installation["kind"], "recorded_by": by, "report_id": rid, "month": doc["month"],
                "kwh": doc["kwh"], "tariff_fen_per_kwh": doc["tariff_fen_per_kwh"], "revenue_fen": revenue_fen,
                "source": doc["source"], "income_fen": doc["income_fen"]}
        events, history = fan_out(ev.GENERATION_REPORTED, data, recipients)
        try:
            outbox.insert(self.reports, {**doc, "events": [history]}, *events)
        except DuplicateKeyError:
            raise Refused(f"{installation['name']} already has a report for {fields['month']} ({rid}); "
                          "correct that one instead", "month") from None
        return self.get(rid)

    def correct(self, report: dict, installation: dict, fields: dict, revenue_fen: int, by: str) -> dict:
        """A correction changes the report in place and publishes the change of income (the
        owner's, for a rooftop system) to the households the report went to."""
        income = income_to(installation, revenue_fen)
        sets = {"kwh": fields["kwh"], "tariff_fen_per_kwh": fields["tariff_fen_per_kwh"],
                "revenue_fen": revenue_fen, "income_fen": income, "corrected_by": by,
                "corrected_at": datetime.now(timezone.utc)}
        data = {"installation_id": report["installation_id"], "installation_name": report["installation_name"],
                "kind": report["kind"], "recorded_by": by, "report_id": report["_id"], "month": report["month"],
                "kwh": fields["kwh"], "tariff_fen_per_kwh": fields["tariff_fen_per_kwh"], "revenue_fen": revenue_fen,
                "previous_revenue_fen": report["revenue_fen"], "income_change_fen": income - report["income_fen"]}
        events, history = fan_out(ev.GENERATION_CORRECTED, data, report["household_ids"])
        result = outbox.update(self.reports, {"_id": report["_id"], "rev": report["rev"]},
                               {"$set": sets, "$inc": {"rev": 1}, "$push": {"events": history}}, *events)
        if not result.matched_count:
            raise Refused("The report changed meanwhile; reload and try again.")
        return self.get(report["_id"])
