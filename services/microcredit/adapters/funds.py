"""County risk-compensation funds (风险补偿金): one document per county with its balance,
deposits and the write-offs drawn from it. A write-off's event lives in the fund's document,
written with the draw: the money leaves the fund and the event is queued in one write, and
``drawn_loans`` makes the draw happen once per loan whatever is retried."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo.database import Database

from shared import outbox
from shared.programs.refused import Refused
from shared.programs.records import PUBLIC


class FundRepository:
    def __init__(self, db: Database):
        self.funds = db["funds"]

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.funds)

    def get(self, county_code: str) -> dict | None:
        return self.funds.find_one({"_id": county_code}, PUBLIC)

    def require(self, county_code: str) -> dict:
        doc = self.get(county_code)
        if doc is None:
            raise Refused(f"county {county_code} has no risk-compensation fund yet", "county_code", 404)
        return doc

    def list(self, scope: dict) -> list[dict]:
        query = {"_id": scope["county_code"]} if scope.get("county_code") else {}
        return list(self.funds.find(query, {**PUBLIC, "deposits": 0, "draws": 0, "drawn_loans": 0}).sort("_id", 1))

    def deposit(self, county_code: str, amount_fen: int, deposited_on: str, note: str, by: str) -> dict:
        entry = {"amount_fen": amount_fen, "deposited_on": deposited_on, "note": note, "by": by,
                 "at": datetime.now(timezone.utc)}
        self.funds.update_one({"_id": county_code},
                              {"$inc": {"balance_fen": amount_fen, "deposited_fen": amount_fen, "rev": 1},
                               "$push": {"deposits": entry},
                               "$setOnInsert": {"county_code": county_code, "drawn_fen": 0, "draws": [],
                                                "drawn_loans": []}},
                              upsert=True)
        return self.get(county_code)

    def draw(self, county_code: str, loan_id: str, amount_fen: int, on: str, by: str, event: dict) -> str:
        """Draw a write-off once: "drawn" now, "already" (drawn before: a retry), or Refused
        when the fund cannot cover it."""
        entry = {"loan_id": loan_id, "amount_fen": amount_fen, "written_off_on": on, "by": by,
                 "household_id": event["subject"], "at": datetime.now(timezone.utc)}
        result = outbox.update(self.funds, {"_id": county_code, "balance_fen": {"$gte": amount_fen},
                                            "drawn_loans": {"$ne": loan_id}},
                               {"$inc": {"balance_fen": -amount_fen, "drawn_fen": amount_fen, "rev": 1},
                                "$push": {"draws": entry, "drawn_loans": loan_id}}, event)
        if result.modified_count:
            return "drawn"
        fund = self.funds.find_one({"_id": county_code}, {"balance_fen": 1, "drawn_loans": 1})
        if fund and loan_id in fund.get("drawn_loans", []):
            return "already"
        balance = fund["balance_fen"] if fund else 0
        raise Refused(f"the risk-compensation fund of county {county_code} holds {balance / 100:.2f} yuan; "
                      f"{amount_fen / 100:.2f} yuan are needed to write this loan off", "fund")
