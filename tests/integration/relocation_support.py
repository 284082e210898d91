"""Helpers for the relocation integration tests (no tests here): the service's app on the
module's system, its operator, households it knows and has enrolled, sites and cases."""
from __future__ import annotations

from datetime import date

from shared.auth.store import AuthStore
from shared.config import Settings
from services.relocation.domain.policy import Policy
from tests.integration.conftest import ensure_running
from tests.integration.registry_support import new_household
from tests.support import PASSWORD, wait_until

TODAY = date.today()
SITE_VILLAGE = "621202001001"      # 城关镇东江村: where the resettlement site is
HOME_VILLAGE = "621202104201"      # 汉王镇寺背村: where the households come from
COLLECTIONS = ("sites", "cases", "enrolments")


class Relocation:
    """The relocation service of one test module, in-process on the real store."""

    def __init__(self, system, policy: Policy | None = None):
        from services.relocation.app import create_app
        self.system = system
        self.settings = Settings.from_env("relocation", system.env)
        self.app = create_app(self.settings, policy or Policy())
        self.app.config["TESTING"] = True
        self.db = system.mongo[self.settings.database_name]
        store = AuthStore(system.mongo[self.settings.auth_database_name])
        store.upsert_user("relocation_op", PASSWORD, "program_operator", None, "relocation")
        system.tokens["relocation_op"] = store.issue_token("relocation_op", "tests")

    def call(self, method: str, path: str, body=None, user="relocation_op", expect=None):
        r = getattr(self.app.test_client(), method)(path, json=body, headers=self.system.headers(user))
        if expect is not None:
            assert r.status_code == expect, (method, path, r.status_code, r.get_json())
        return r

    def post(self, path, body, user="relocation_op", expect=201):
        return self.call("post", path, body, user, expect).get_json()

    def step(self, case_id, step, body, expect=200):
        return self.post(f"/api/cases/{case_id}/{step}", body, expect=expect)

    def get(self, path, user="auditor"):
        return self.call("get", path, None, user, 200).get_json()

    def known_household(self, **overrides) -> str:
        """A new household file in the registry, once this service knows it from the topic."""
        ensure_running(self.system, "registry-relay", "relocation-households")
        hid = new_household(self.system, village_code=HOME_VILLAGE, **overrides)["id"]
        wait_until(lambda: self.db["households"].find_one({"_id": hid}), timeout=60,
                   message=f"{hid} in the relocation read model")
        return hid

    def enrolled_household(self, **overrides) -> str:
        hid = self.known_household(**overrides)
        self.post("/api/enrolments", {"household_id": hid})
        return hid

    def site(self, name="城关镇易地扶贫搬迁安置点", households=50, m2=5000, village_code=SITE_VILLAGE) -> dict:
        return self.post("/api/sites", {"name": name, "kind": "centralized", "village_code": village_code,
                                        "township": "城关镇", "village": "东江村", "capacity_households": households,
                                        "capacity_m2": m2})

    def case(self, hid: str) -> dict:
        return self.post("/api/cases", {"household_id": hid})

    def written(self) -> dict:
        """How many documents each collection holds, the events waiting in outboxes, the revs."""
        counts = {name: self.db[name].count_documents({}) for name in COLLECTIONS}
        counts["pending_events"] = sum(len(d.get("outbox", [])) for name in COLLECTIONS
                                       for d in self.db[name].find({}, {"outbox": 1}))
        counts["revs"] = sorted((d["_id"], d.get("rev")) for d in self.db["cases"].find({}, {"rev": 1}))
        counts["sites"] = sorted((d["_id"], d.get("households_free"), d.get("m2_free"))
                                 for d in self.db["sites"].find({}, {"households_free": 1, "m2_free": 1}))
        return counts

    def close(self):
        self.app.extensions["mongo"].close()
