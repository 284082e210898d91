"""E-commerce store: sales, each carrying its event in the same document (outbox)."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from shared import outbox
from shared.events.types.ecommerce import SALE_RECORDED
from services.ecommerce.domain.sales import new_sale_id

PUBLIC = {outbox.PENDING_FIELD: 0, outbox.FLAG_FIELD: 0}


class SaleRepository:
    def __init__(self, db: Database):
        self.sales = db["sales"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.sales)
        self.sales.create_index([("household_id", ASCENDING), ("sold_on", DESCENDING)])

    def record(self, fields: dict, recorded_by: str) -> dict:
        sale = {**fields, "_id": new_sale_id(), "sold_on": fields["sold_on"].isoformat(),
                "recorded_by": recorded_by, "recorded_at": datetime.now(timezone.utc), "status": "recorded"}
        event = outbox.event(SALE_RECORDED.type, "ecommerce", sale["household_id"], {
            "household_id": sale["household_id"], "recorded_by": recorded_by, "sale_id": sale["_id"],
            "product": sale["product"], "quantity": sale["quantity"], "unit": sale["unit"],
            "amount_fen": sale["amount_fen"], "income_fen": sale["income_fen"],
            "channel": sale["channel"], "sold_on": sale["sold_on"],
        })
        outbox.insert(self.sales, sale, event)
        return self.get(sale["_id"])

    def get(self, sale_id: str) -> dict | None:
        return self.sales.find_one({"_id": sale_id}, PUBLIC)

    def list(self, scope: dict, household_id: str | None, skip: int, limit: int) -> tuple[list[dict], int]:
        query = {}
        if scope.get("county_code"):
            query["household_id"] = {"$regex": f"^H{scope['county_code']}"}
        if household_id:
            query["household_id"] = household_id
            if scope.get("county_code") and not household_id.startswith("H" + scope["county_code"]):
                return [], 0
        cursor = self.sales.find(query, PUBLIC).sort("recorded_at", DESCENDING).skip(skip).limit(limit)
        return list(cursor), self.sales.count_documents(query)
