"""Helpers for the micro-credit integration tests (no tests here): the service's app on the
module's system, households it knows and has enrolled, loans lent some days ago."""
from __future__ import annotations

from datetime import date, timedelta

from shared.config import Settings
from tests.integration.registry_support import new_household
from tests.support import wait_until

TODAY = date.today()
READY = {"income_per_capita_fen": 520000,
         "guarantees": {g: True for g in ("food", "clothing", "compulsory_education", "basic_medical", "safe_housing")}}
PREFIX = "cn.jingzhun.microcredit."


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


class MC:
    def __init__(self, system):
        from services.microcredit.app import create_app
        self.system = system
        self.settings = Settings.from_env("microcredit", system.env)
        self.app = create_app(self.settings)
        self.app.config["TESTING"] = True
        self.db = system.mongo[self.settings.database_name]

    def call(self, method, path, body=None, user="microcredit_op", expect=None):
        r = getattr(self.app.test_client(), method)(path, json=body, headers=self.system.headers(user))
        if expect is not None:
            assert r.status_code == expect, (method, path, r.status_code, r.get_json())
        return r.get_json()

    def post(self, path, body, expect=201, user="microcredit_op"):
        return self.call("post", path, body, user, expect)

    def get(self, path, user="auditor"):
        return self.call("get", path, None, user, 200)

    def enrolled(self, head="王建国", **overrides) -> str:
        hid = new_household(self.system, head=head, **overrides)["id"]
        wait_until(lambda: self.db["households"].find_one({"_id": hid}), timeout=60,
                   message="the household in micro-credit's read model")
        self.post("/api/enrolments", {"household_id": hid})
        return hid

    def lent(self, hid, principal_fen, term_months, method, days_ago, credit_line_fen=5_000_000) -> dict:
        """Rated, applied, approved and disbursed ``days_ago``."""
        self.post("/api/ratings", {"household_id": hid, "grade": "good", "credit_line_fen": credit_line_fen,
                                   "rated_on": ago(days_ago + 5)})
        loan = self.post("/api/loans", {"household_id": hid, "principal_fen": principal_fen, "term_months": term_months,
                                        "method": method, "purpose": "养殖肉牛", "bank": "甘肃农信",
                                        "applied_on": ago(days_ago + 3)})
        self.post(f"/api/loans/{loan['id']}/approve", {"approved_on": ago(days_ago + 1)}, expect=200)
        return self.post(f"/api/loans/{loan['id']}/disburse", {"disbursed_on": ago(days_ago)}, expect=200)

    def written(self) -> dict:
        names = ("ratings", "loans", "funds", "enrolments")
        counts = {n: self.db[n].count_documents({}) for n in names}
        # Every event a document queues also goes into its own history (the relay empties the
        # outbox meanwhile, so it cannot be compared): no new history entry, nothing published.
        counts["history"] = sum(len(d.get("events", [])) for n in ("ratings", "loans")
                                for d in self.db[n].find({}, {"events": 1}))
        counts["outbox_rev"] = sorted((d["_id"], d.get("outbox_rev")) for n in names
                                      for d in self.db[n].find({}, {"outbox_rev": 1}))
        counts["revs"] = sorted((d["_id"], d.get("rev")) for n in ("loans", "ratings", "funds")
                                for d in self.db[n].find({}, {"rev": 1}))
        return counts
