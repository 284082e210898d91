"""E-commerce store of sales: each sale carries its refunds, its own history and the events
to publish, in one document (outbox), so a change and its event are one atomic write."""
from __future__ import annotations

from datetime import date, datetime, timezone

import bson
from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.envelope import utcnow_iso
from shared.events.types.ecommerce import SALE_CORRECTED, SALE_RECORDED, SALE_REFUNDED
from shared.household_ids import county_of
from shared.programs.records import PUBLIC
from shared.store import WriteConflict
from services.ecommerce.adapters.common import NotFound, contains
from services.ecommerce.domain import records
from services.ecommerce.domain.sales import (CORRECTABLE, RECORDED, REFUNDED, check_refund, month_of, new_sale_id,
                                             partner_sale_id, refund_id, status_after)

# What a repeated partner report must repeat to be the same sale.
SAME_SALE = ("household_id", "product", "quantity", "amount_fen", "income_fen", "sold_on")
REFUND_ATTEMPTS = 5


def sale_scope(scope: dict, county: str | None = None, household_id: str | None = None) -> dict:
    """Sales are scoped by the county in the household id (every sale ever recorded has one)."""
    wanted = scope.get("county_code") or county
    if scope.get("county_code") and county and county != scope["county_code"]:
        return {"_id": {"$in": []}}
    if household_id:
        return {"household_id": household_id if not wanted or household_id.startswith("H" + wanted) else "-"}
    return {"household_id": {"$regex": f"^H{wanted}"}} if wanted else {}


class SaleRepository:
    def __init__(self, db: Database):
        self.sales = db["sales"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.sales)
        self.sales.create_index([("household_id", ASCENDING), ("sold_on", DESCENDING)])
        self.sales.create_index([("county_code", ASCENDING), ("month", ASCENDING)])
        self.sales.create_index([("refunds.month", ASCENDING)])
        self.sales.create_index([("store_id", ASCENDING)], sparse=True)
        self.sales.create_index([("recorded_at", DESCENDING)])

    # --- writing ------------------------------------------------------------------------
    def record(self, fields: dict, recorded_by: str, household: dict | None = None) -> tuple[dict, bool]:
        """Record a sale; (sale, True). A partner's report seen before: (that sale, False)."""
        sold_on = fields["sold_on"].isoformat()
        partner_ref = fields.get("partner_ref")
        sale_id = partner_sale_id(fields["partner"], partner_ref) if partner_ref else new_sale_id()
        household = household or {}
        sale = {**fields, "_id": sale_id, "sold_on": sold_on, "month": month_of(sold_on),
                "county_code": county_of(fields["household_id"]),
                "head_name": household.get("head_name", ""), "village": household.get("village", ""),
                "source": "partner" if fields.get("partner") else "operator",
                "recorded_by": recorded_by, "recorded_at": datetime.now(timezone.utc), "status": RECORDED,
                "refunded_amount_fen": 0, "refunded_income_fen": 0, "refunds": [], "version": 1}
        event = outbox.event(SALE_RECORDED.type, "ecommerce", sale["household_id"], {
            "household_id": sale["household_id"], "recorded_by": recorded_by, "sale_id": sale["_id"],
            "product": sale["product"], "quantity": sale["quantity"], "unit": sale["unit"],
            "amount_fen": sale["amount_fen"], "income_fen": sale["income_fen"],
            "channel": sale["channel"], "sold_on": sold_on,
        })
        sale["events"] = [records.entry([event])]
        try:
            outbox.insert(self.sales, sale, event)
        except DuplicateKeyError:
            existing = self.get(sale_id)
            if existing is None or any(existing.get(k) != sale.get(k) for k in SAME_SALE):
                raise WriteConflict(f"partner report {fields['partner']}:{partner_ref} was already recorded "
                               f"as sale {sale_id} with other details") from None
            return existing, False
        return self.as_stored(sale), True

    def as_stored(self, document: dict) -> dict:
        """The document as a read of it would give it back now (the store keeps times to the
        millisecond, naive UTC), without asking the store again."""
        return bson.decode(bson.encode(document), codec_options=self.sales.codec_options)

    def correct(self, sale_id: str, fields: dict, by: str, version: int | None = None) -> dict:
        """Put right the descriptive fields; publishes sale.corrected when anything changed."""
        sale = self._current(sale_id)
        if version is not None and version != sale.get("version"):
            raise WriteConflict(f"sale {sale_id} changed meanwhile; reload and try again")
        changed = records.changed_fields(sale, fields, CORRECTABLE)
        if not changed:
            return self.get(sale_id)
        after = {**{k: sale[k] for k in CORRECTABLE}, **changed}
        event = outbox.event(SALE_CORRECTED.type, "ecommerce", sale["household_id"], {
            "household_id": sale["household_id"], "recorded_by": by, "sale_id": sale_id,
            "product": after["product"], "quantity": after["quantity"], "unit": after["unit"],
            "sold_on": after["sold_on"], "changed": sorted(changed)})
        update = {"$set": {**changed, "month": month_of(after["sold_on"]), "updated_by": by,
                           "updated_at": utcnow_iso()},
                  "$inc": {"version": 1}, "$push": {"events": records.entry([event])}}
        result = outbox.update(self.sales, {"_id": sale_id, "version": sale.get("version")}, update, event)
        if not result.matched_count:
            raise WriteConflict(f"sale {sale_id} changed meanwhile; reload and try again")
        return self.get(sale_id)

    def refund(self, sale_id: str, amount_fen: int, income_fen: int | None, refunded_on: date, reason: str,
               by: str, partner_ref: str | None = None) -> tuple[dict, bool]:
        """Refund part or all of what remains of a sale (RefundRefused when it does not fit);
        (sale, True). A partner's refund report seen before: (sale, False), nothing written.

        Guarded by the sale's version: two refunds at once cannot both take the same
        remainder; the loser re-reads and is checked against what is left."""
        for _ in range(REFUND_ATTEMPTS):
            sale = self._current(sale_id)
            if partner_ref and any(r.get("partner_ref") == partner_ref for r in sale.get("refunds") or []):
                return sale, False
            income = check_refund(sale, amount_fen, income_fen, refunded_on)
            refunded_amount = sale.get("refunded_amount_fen", 0) + amount_fen
            status = status_after(sale["amount_fen"], refunded_amount)
            refund = {"refund_id": refund_id(sale_id, len(sale.get("refunds") or []) + 1),
                      "amount_fen": amount_fen, "income_fen": income, "refunded_on": refunded_on.isoformat(),
                      "month": month_of(refunded_on), "reason": reason, "recorded_by": by,
                      "recorded_at": utcnow_iso(), **({"partner_ref": partner_ref} if partner_ref else {})}
            event = outbox.event(SALE_REFUNDED.type, "ecommerce", sale["household_id"], {
                "household_id": sale["household_id"], "recorded_by": by, "sale_id": sale_id,
                "refund_id": refund["refund_id"], "product": sale["product"], "amount_fen": amount_fen,
                "income_fen": income, "refunded_on": refund["refunded_on"], "reason": reason,
                "fully_refunded": status == REFUNDED})
            update = {"$set": {"status": status},
                      "$inc": {"version": 1, "refunded_amount_fen": amount_fen, "refunded_income_fen": income},
                      "$push": {"refunds": refund, "events": records.entry([event])}}
            result = outbox.update(self.sales, {"_id": sale_id, "version": sale.get("version")}, update, event)
            if result.matched_count:
                return self.get(sale_id), True
        raise WriteConflict(f"sale {sale_id} keeps changing; try again")

    def _current(self, sale_id: str) -> dict:
        sale = self.sales.find_one({"_id": sale_id}, PUBLIC)
        if sale is None:
            raise NotFound(f"no sale {sale_id}")
        return sale

    # --- reading ------------------------------------------------------------------------
    def get(self, sale_id: str) -> dict | None:
        return self.sales.find_one({"_id": sale_id}, PUBLIC)

    @staticmethod
    def query(scope: dict, filters: dict) -> dict:
        query = sale_scope(scope, filters.get("county"), filters.get("household_id"))
        for name in ("channel", "status", "store_id", "station_id", "source"):
            if filters.get(name):
                query[name] = filters[name]
        if filters.get("sold_from") or filters.get("sold_to"):
            query["sold_on"] = {**({"$gte": filters["sold_from"].isoformat()} if filters.get("sold_from") else {}),
                                **({"$lte": filters["sold_to"].isoformat()} if filters.get("sold_to") else {})}
        if filters.get("q"):
            query["product"] = contains(filters["q"])
        return query

    def list(self, scope: dict, filters: dict, skip: int, limit: int) -> tuple[list[dict], int]:
        query = self.query(scope, filters)
        cursor = self.sales.find(query, PUBLIC).sort("recorded_at", DESCENDING).skip(skip).limit(limit)
        return list(cursor), self.sales.count_documents(query)

    def export(self, scope: dict, filters: dict, limit: int):
        """Sales for a CSV export, oldest sale first."""
        fields = {"events": 0, "refunds": 0, **PUBLIC}
        return self.sales.find(self.query(scope, filters), fields).sort("sold_on", ASCENDING).limit(limit)

    def for_report(self, scope: dict, first: str, last: str, county: str | None = None) -> list[dict]:
        """What the monthly report sums: sales sold, or refunded, in the period.

        Summed here, not by the store: FerretDB 1.24's $group computes only its first
        accumulator (measured), so an aggregation would give wrong totals locally."""
        query = sale_scope(scope, county)
        query["$or"] = [{"sold_on": {"$gte": first, "$lte": last + "-99"}},
                        {"refunds.month": {"$gte": first, "$lte": last}}]
        projection = {"household_id": 1, "county_code": 1, "month": 1, "sold_on": 1, "amount_fen": 1,
                      "income_fen": 1, "refunds.month": 1, "refunds.amount_fen": 1, "refunds.income_fen": 1}
        rows = []
        for sale in self.sales.find(query, projection):
            sale.setdefault("county_code", county_of(sale["household_id"]))
            sale.setdefault("month", month_of(sale["sold_on"]))
            rows.append(sale)
        return rows

    def count(self, query: dict) -> int:
        return self.sales.count_documents(query)
