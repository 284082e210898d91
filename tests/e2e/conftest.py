"""The system as people run it: every Procfile process (gunicorn web services, relays,
the registry consumer) on test ports, against the real stack."""
from __future__ import annotations

import os

import pytest
import requests

from shared.auth.store import AuthStore
from shared.config import Settings
from shared.kafka.admin import ensure_topics
from shared.store import auth_db, make_client
from deploy.local.processes import Processes, procfile
from shared.config import SERVICE_PORTS
from tests.support import PASSWORD, USERS, isolated_env, wait_until

# Every service with a web process in the Procfile, on its usual port + an offset, so
# several runs (or a run beside `make demo`) can share the machine: E2E_PORT_BASE.
PORT_BASE = int(os.environ.get("E2E_PORT_BASE", "18000"))
WEB_PORTS = {name: PORT_BASE + port - 8000 for name, port in SERVICE_PORTS.items() if name in procfile()}


@pytest.fixture(scope="session")
def running(stack, tmp_path_factory):
    env = isolated_env("e2e")
    for name, port in WEB_PORTS.items():
        env[f"{name.upper()}_PORT"] = str(port)
        env[f"{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    env["WEB_CONCURRENCY"] = "2"
    env["WEBHOOKS_ALLOWED_HOSTS"] = "127.0.0.1"   # the tests' partner receivers listen there
    env["WEBHOOKS_POLL_INTERVAL"] = "0.3"
    settings = Settings.from_env("registry", env)
    ensure_topics(settings)
    mongo = make_client(settings)
    users = AuthStore(auth_db(mongo, settings))
    tokens = {}
    for username, (role, county, program) in USERS.items():
        users.upsert_user(username, PASSWORD, role, county, program, display_name=username)
        tokens[username] = users.issue_token(username, "e2e")
    procs = Processes(tmp_path_factory.mktemp("e2e-run"), env)
    try:
        for name in procfile():
            procs.start(name)
        urls = {name: f"http://127.0.0.1:{port}" for name, port in WEB_PORTS.items()}
        for name, url in urls.items():
            _wait_ready(name, url, procs)
        yield {"urls": urls, "tokens": tokens, "procs": procs, "env": env}
    finally:
        procs.stop_all()
        mongo.close()


def _wait_ready(name: str, url: str, procs: Processes) -> None:
    def ready():
        try:
            return requests.get(f"{url}/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False
    try:
        wait_until(ready, timeout=60, message=f"{name} ready")
    except AssertionError:
        raise AssertionError(f"{name} did not start:\n{procs.log_tail(name)}") from None
