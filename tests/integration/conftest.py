"""A small Jingzhun per test module: its own databases and topics on the real stack (left in
place: `make test` starts every run on a fresh test stack), the
web apps in-process (Flask test client, real store), and relays and consumers as real
processes from the Procfile so a test can SIGKILL them."""
from __future__ import annotations

import pytest

from shared.auth.store import AuthStore
from shared.config import Settings
from shared.kafka.admin import ensure_topics
from shared.store import auth_db, make_client
from deploy.local.processes import Processes
from tests.support import PASSWORD, USERS, isolated_env


class System:
    def __init__(self, env: dict, run_dir):
        self.env = env
        self.settings = {name: Settings.from_env(name, env) for name in ("registry", "ecommerce")}
        self.mongo = make_client(self.settings["registry"])
        self.procs = Processes(run_dir, env)
        self._apps = {}
        self.tokens = {}

    def app(self, service: str):
        if service not in self._apps:
            module = __import__(f"services.{service}.app", fromlist=["create_app"])
            app = module.create_app(self.settings.get(service) or Settings.from_env(service, self.env))
            app.config["TESTING"] = True
            self._apps[service] = app
        return self._apps[service]

    def client(self, service: str):
        return self.app(service).test_client()

    def headers(self, user: str | None) -> dict:
        return {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}

    def db(self, service: str):
        return self.mongo[self.settings[service].database_name]

    @property
    def topics(self):
        from shared.events.topics import Topics
        return Topics(self.env["JINGZHUN_TOPIC_PREFIX"])

    def create_users(self):
        store = AuthStore(auth_db(self.mongo, self.settings["registry"]))
        for username, (role, county, program) in USERS.items():
            store.upsert_user(username, PASSWORD, role, county, program)
            self.tokens[username] = store.issue_token(username, "tests")

    def close(self):
        self.procs.stop_all()
        self.mongo.close()


@pytest.fixture(scope="module")
def system(stack, request, tmp_path_factory):
    env = isolated_env(request.module.__name__.rsplit(".", 1)[-1][5:13])
    system = System(env, tmp_path_factory.mktemp("run"))
    ensure_topics(system.settings["registry"])
    system.create_users()
    yield system
    system.close()


NEW_HOUSEHOLD = {
    "village_code": "621202104201", "township": "汉王镇", "village": "寺背村",
    "main_cause": "illness", "income_per_capita_fen": 210000,
    "members": [{"name": "王建国", "relation": "head", "sex": "male", "birth_year": 1968},
                {"name": "李秀英", "relation": "spouse", "sex": "female", "birth_year": 1970}],
}


def sale_for(household_id: str, **overrides) -> dict:
    sale = {"household_id": household_id, "product": "花椒", "quantity": 12, "unit": "kg",
            "amount_fen": 72000, "income_fen": 60000, "channel": "own_store", "sold_on": "2026-11-01"}
    sale.update(overrides)
    return sale


@pytest.fixture
def household(system):
    r = system.client("registry").post("/api/households", json=NEW_HOUSEHOLD, headers=system.headers("central"))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def ensure_running(system, *names):
    for name in names:
        if name not in system.procs.running:
            system.procs.start(name)


def start_web(system, service: str) -> str:
    """Start a service's web process (gunicorn, one worker) on a free port; its URL once ready."""
    import socket

    import requests
    from tests.support import wait_until

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    system.procs.start(service, {f"{service.upper()}_PORT": str(port), "WEB_CONCURRENCY": "1"})
    url = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return requests.get(f"{url}/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False
    wait_until(ready, timeout=60, message=f"the {service} web process")
    return url


@pytest.fixture
def enrolled_household(system, household):
    """A household the e-commerce service knows (from the registry's households topic,
    through the real relay and read model) and has enrolled."""
    from tests.support import wait_until
    ensure_running(system, "registry-relay", "ecommerce-households")
    hid = household["id"]
    wait_until(lambda: system.db("ecommerce")["households"].find_one({"_id": hid}), timeout=60,
               message="the household in the e-commerce read model")
    r = system.client("ecommerce").post("/api/enrolments", json={"household_id": hid},
                                        headers=system.headers("central"))
    assert r.status_code == 201, r.get_json()
    return household
