"""Helpers for the photovoltaic integration tests (no tests here): the service's app on the
module's system, its operator, and households it knows and has enrolled."""
from __future__ import annotations

from datetime import date

from shared.auth.store import AuthStore
from shared.config import Settings
from services.photovoltaic.domain.months import month_of, shift
from services.photovoltaic.domain.policy import Policy
from tests.integration.conftest import ensure_running
from tests.integration.registry_support import new_household
from tests.support import PASSWORD, wait_until

TODAY = date.today()
LAST_MONTH = shift(month_of(TODAY), -1)
TWO_MONTHS_AGO = shift(month_of(TODAY), -2)
A_YEAR_AGO = date(TODAY.year - 1, TODAY.month, 1).isoformat()
VILLAGE = "621202104201"


class PV:
    """The photovoltaic service of one test module, in-process on the real store."""

    def __init__(self, system, policy: Policy | None = None):
        from services.photovoltaic.app import create_app
        self.system = system
        self.settings = Settings.from_env("photovoltaic", system.env)
        self.app = create_app(self.settings, policy or Policy())
        self.app.config["TESTING"] = True
        self.db = system.mongo[self.settings.database_name]
        store = AuthStore(system.mongo[self.settings.auth_database_name])
        store.upsert_user("pv_op", PASSWORD, "program_operator", None, "photovoltaic")
        system.tokens["pv_op"] = store.issue_token("pv_op", "tests")

    def call(self, method: str, path: str, body=None, user="pv_op", expect=None):
        r = getattr(self.app.test_client(), method)(path, json=body, headers=self.system.headers(user))
        if expect is not None:
            assert r.status_code == expect, (method, path, r.status_code, r.get_json())
        return r

    def post(self, path, body, user="pv_op", expect=201):
        return self.call("post", path, body, user, expect).get_json()

    def get(self, path, user="auditor"):
        return self.call("get", path, None, user, 200).get_json()

    def known_household(self, **overrides) -> str:
        """A new household file in the registry, once this service knows it from the topic."""
        ensure_running(self.system, "registry-relay", "photovoltaic-households")
        hid = new_household(self.system, **overrides)["id"]
        wait_until(lambda: self.db["households"].find_one({"_id": hid}), timeout=60,
                   message=f"{hid} in the photovoltaic read model")
        return hid

    def enrolled_household(self, **overrides) -> str:
        hid = self.known_household(**overrides)
        self.post("/api/enrolments", {"household_id": hid})
        return hid

    def station(self, name="寺背村光伏电站", capacity_kw=200, village_code=VILLAGE) -> dict:
        return self.post("/api/installations", {"kind": "station", "name": name, "capacity_kw": capacity_kw,
                                                "commissioned_on": A_YEAR_AGO, "village_code": village_code})

    def written(self) -> dict:
        """How many documents each collection holds, and how many events wait in outboxes."""
        counts = {name: self.db[name].count_documents({}) for name in
                  ("installations", "reports", "distributions", "faults", "enrolments")}
        counts["pending_events"] = sum(len(d.get("outbox", [])) for name in counts if name != "pending_events"
                                       for d in self.db[name].find({}, {"outbox": 1}))
        counts["revs"] = sorted((d["_id"], d.get("rev")) for d in self.db["installations"].find({}, {"rev": 1}))
        return counts

    def close(self):
        self.app.extensions["mongo"].close()
