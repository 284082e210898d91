"""Inbound partner reports, signed the Standard Webhooks way, applied through the e-commerce
service's real HTTP API (gunicorn process) with the webhooks service's own token: once even
when sent three times; each refusal with its own reason and nothing changed; a program that
is down gets the report later from the worker."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from shared.config import Settings
from shared.kafka.admin import ensure_topics
from services.webhooks.app import create_app
from services.webhooks.config import WebhookSettings
from tests.integration.conftest import System, ensure_running
from tests.integration.hardening_support import create_apps
from tests.integration.webhooks_support import Receiver, signed
from tests.support import ROOT, isolated_env, wait_until

# This module's e-commerce process, and a port where nothing listens (a program that is down):
# beside the e2e ports of the run (E2E_PORT_BASE), clear of the services' own.
ECOMMERCE_PORT = int(os.environ.get("E2E_PORT_BASE", "18000")) + 901
PHOTOVOLTAIC_PORT = ECOMMERCE_PORT + 2
NOWHERE_PORT = ECOMMERCE_PORT + 3


def _ready(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _ecommerce_ready() -> bool:
    return _ready(ECOMMERCE_PORT)


@pytest.fixture(scope="module")
def system(stack, tmp_path_factory):
    """The integration System, with e-commerce as a real web process on our own port."""
    env = {**isolated_env("whin"), "ECOMMERCE_PORT": str(ECOMMERCE_PORT),
           "ECOMMERCE_URL": f"http://127.0.0.1:{ECOMMERCE_PORT}",
           "PHOTOVOLTAIC_PORT": str(PHOTOVOLTAIC_PORT), "PHOTOVOLTAIC_URL": f"http://127.0.0.1:{PHOTOVOLTAIC_PORT}",
           "MICROCREDIT_URL": f"http://127.0.0.1:{NOWHERE_PORT}", "WEB_CONCURRENCY": "1",
           "WEBHOOKS_POLL_INTERVAL": "0.5", "WEBHOOKS_ALLOWED_HOSTS": "127.0.0.1"}
    system = System(env, tmp_path_factory.mktemp("run"))
    system.settings["webhooks"] = Settings.from_env("webhooks", env)
    system.settings["photovoltaic"] = Settings.from_env("photovoltaic", env)
    ensure_topics(system.settings["registry"])
    system.create_users()
    system.procs.start("ecommerce")
    wait_until(_ecommerce_ready, timeout=60, message="the e-commerce process")
    yield system
    system.close()


@pytest.fixture(scope="module")
def hooks(system):
    app = create_app(system.settings["webhooks"], WebhookSettings.from_env(system.env))
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture(scope="module")
def partner(system, hooks):
    r = hooks.post("/api/partners", headers=system.headers("central"), json={
        "name": "京东助农", "kind": "ecommerce_platform", "contact": "李经理", "programs": ["ecommerce", "microcredit"],
        "platform": "jd"})
    assert r.status_code == 201
    return r.get_json()


def report(household_id: str, ref: str, **overrides) -> dict:
    return {"partner_ref": ref, "household_id": household_id, "product": "花椒", "quantity": 3, "unit": "kg",
            "amount_fen": 36000, "income_fen": 30000, "sold_on": "2026-11-01", **overrides}


def post(hooks, partner, kind, body, msg_id=None, secret=None, when=None):
    data, headers = signed(secret or partner["inbound_secret"], body, msg_id or f"msg_{uuid.uuid4().hex}", when)
    return hooks.post(f"/api/inbound/{partner['id']}/{kind}", data=data, headers=headers)


def sales(system, ref):
    return list(system.db("ecommerce")["sales"].find({"partner_ref": ref}))


def test_a_signed_report_is_applied_once_even_when_sent_three_times(system, hooks, partner, enrolled_household):
    hid = enrolled_household["id"]
    answers = [post(hooks, partner, "sales", report(hid, "JD-1001")) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200], [a.get_json() for a in answers]
    assert answers[0].get_json()["status"] == "applied"
    found = sales(system, "JD-1001")
    assert len(found) == 1
    assert found[0]["partner"] == "jd" and found[0]["channel"] == "partner_platform"
    assert found[0]["recorded_by"] == "webhooks-service" and found[0]["income_fen"] == 30000


def test_each_refusal_has_its_own_reason_and_changes_nothing(system, hooks, partner, enrolled_household):
    hid = enrolled_household["id"]
    inbox_before = system.db("webhooks")["inbox"].count_documents({})

    forged = post(hooks, partner, "sales", report(hid, "JD-2001"), secret="whsec_" + "A" * 32)
    assert forged.status_code == 401 and forged.get_json()["reason"] == "bad_signature"

    stale = post(hooks, partner, "sales", report(hid, "JD-2002"), when=datetime.now(timezone.utc) - timedelta(minutes=6))
    assert stale.status_code == 401 and stale.get_json()["reason"] == "stale_timestamp"

    first = post(hooks, partner, "sales", report(hid, "JD-2003"), msg_id="msg_replayed_once")
    assert first.status_code == 201
    replay = post(hooks, partner, "sales", report(hid, "JD-2004"), msg_id="msg_replayed_once")
    assert replay.status_code == 409 and replay.get_json()["reason"] == "replayed"

    invalid = post(hooks, partner, "sales", report(hid, "JD-2005", quantity=0, sold_on="someday"),
                   msg_id="msg_refused_first")
    assert invalid.status_code == 422 and invalid.get_json()["reason"] == "invalid_field"
    assert set(invalid.get_json()["errors"]["json"]) == {"quantity", "sold_on"}

    unknown = post(hooks, partner, "sales", report("H621202ZZZZZZZZZZ", "JD-2006"))
    assert unknown.status_code == 422 and unknown.get_json()["reason"] == "unknown_household", unknown.get_json()

    not_allowed = post(hooks, partner, "generation", {"partner_ref": "G-1", "installation_id": "PV-1",
                                                      "month": "2026-10", "kwh": 100, "tariff_fen_per_kwh": 40.0})
    assert not_allowed.status_code == 403 and not_allowed.get_json()["reason"] == "program_not_allowed"

    for ref in ("JD-2001", "JD-2002", "JD-2004", "JD-2005", "JD-2006"):
        assert sales(system, ref) == [], ref
    assert len(sales(system, "JD-2003")) == 1
    # Only the one good report entered the inbox (the unknown household's refusal is kept as refused).
    inbox = list(system.db("webhooks")["inbox"].find({"_id": {"$regex": "JD-200"}}))
    assert sorted((d["partner_ref"], d["status"]) for d in inbox) == [("JD-2003", "applied"),
                                                                                  ("JD-2006", "refused")]
    assert system.db("webhooks")["inbox"].count_documents({}) == inbox_before + 2
    # A refused report leaves its webhook-id free: the corrected report may use it.
    again = post(hooks, partner, "sales", report(hid, "JD-2005"), msg_id="msg_refused_first")
    assert again.status_code == 201, again.get_json()
    assert len(sales(system, "JD-2005")) == 1


def test_a_program_that_is_down_gets_the_report_later(system, hooks, partner, enrolled_household):
    hid = enrolled_household["id"]
    # Micro-credit is not running here: the repayment is accepted and kept.
    r = post(hooks, partner, "repayments", {"partner_ref": "BANK-1", "loan_id": "L-1", "amount_fen": 50000,
                                            "paid_on": "2026-11-20"})
    assert r.status_code == 202 and r.get_json()["status"] == "accepted"
    entry = system.db("webhooks")["inbox"].find_one({"_id": f"{partner['id']}:repayments:BANK-1"})
    assert entry["status"] == "pending" and entry["path"] == "/api/loans/L-1/repayments"
    assert entry["command"] == {"amount_fen": 50000, "paid_on": "2026-11-20", "partner": partner["id"],
                                "partner_ref": "BANK-1"}

    system.procs.kill("ecommerce")
    r = post(hooks, partner, "sales", report(hid, "JD-3001"))
    assert r.status_code == 202
    system.procs.start("ecommerce")
    wait_until(_ecommerce_ready, timeout=60, message="e-commerce back")
    system.procs.start("webhooks-worker")
    wait_until(lambda: sales(system, "JD-3001"), timeout=60, message="the kept report applied by the worker")
    wait_until(lambda: system.db("webhooks")["inbox"].find_one({"_id": f"{partner['id']}:sales:JD-3001"})["status"]
               == "applied", timeout=30, message="the inbox entry settled")


def test_the_partner_receives_the_sale_it_reported_once_the_registry_accepted_it(system, hooks, partner,
                                                                                 enrolled_household):
    """The whole loop: report in → e-commerce → its relay → registry consumer → consolidated
    stream → webhooks worker → the partner's endpoint, signed, without names."""
    receiver = Receiver()
    try:
        r = hooks.post(f"/api/partners/{partner['id']}/endpoints", headers=system.headers("central"),
                       json={"url": receiver.url, "event_types": ["ecommerce.sale.recorded"]})
        assert r.status_code == 201, r.get_json()
        receiver.secrets = [r.get_json()["secrets"][0]["secret"]]
        ensure_running(system, "ecommerce-relay", "registry-consumer", "registry-relay", "webhooks-worker")
        hid = enrolled_household["id"]
        assert post(hooks, partner, "sales", report(hid, "JD-4001", quantity=7)).status_code == 201
        wait_until(lambda: [x for x in receiver.received if x["payload"]["household_id"] == hid
                            and x["payload"]["data"].get("quantity") == 7], timeout=90,
                   message="the sale delivered to the partner through the registry's stream")
        payload = [x for x in receiver.received if x["payload"]["data"].get("quantity") == 7][0]["payload"]
        assert payload["type"] == "ecommerce.sale.recorded" and payload["income_fen"] == 30000
        assert "王建国" not in str(payload) and not receiver.unverified
    finally:
        receiver.close()


def test_a_power_company_reports_generation_once(system, hooks):
    r = hooks.post("/api/partners", headers=system.headers("central"), json={
        "name": "国网陇南供电公司", "kind": "power_company", "contact": "营销部", "programs": ["photovoltaic"]})
    company = r.get_json()
    r = system.client("photovoltaic").post("/api/installations", headers=system.headers("central"), json={
        "kind": "station", "name": "寺背村光伏电站", "capacity_kw": 100, "commissioned_on": "2025-01-01",
        "village_code": "621202104201"})
    assert r.status_code == 201, r.get_json()
    station = r.get_json()["id"]
    system.procs.start("photovoltaic")
    wait_until(lambda: _ready(PHOTOVOLTAIC_PORT), timeout=60, message="the photovoltaic process")
    reading = {"partner_ref": "GRID-2026-10-1", "installation_id": station, "month": "2026-10", "kwh": 9000,
               "tariff_fen_per_kwh": 35.0}
    answers = [post(hooks, company, "generation", reading) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200], [a.get_json() for a in answers]
    reports = list(system.db("photovoltaic")["reports"].find({"installation_id": station}))
    assert len(reports) == 1 and reports[0]["kwh"] == 9000 and reports[0]["source"] == "power_company"
    # Another reading of the same month under another reference: the program's refusal, passed on.
    other = post(hooks, company, "generation", {**reading, "partner_ref": "GRID-2026-10-2", "kwh": 9100})
    assert other.status_code == 409 and other.get_json()["reason"] == "refused_by_program", other.get_json()
    assert system.db("photovoltaic")["reports"].count_documents({"installation_id": station}) == 1


def _credential(system):
    from shared.auth.store import AuthStore
    from shared.store import auth_db
    from services.webhooks.adapters.service_token import ServiceCredential
    settings = system.settings["webhooks"]
    return ServiceCredential(system.db("webhooks"), AuthStore(auth_db(system.mongo, settings)), settings.secret_key)


def test_the_service_token_calls_only_the_report_routes_and_is_kept_encrypted(system, hooks, partner, enrolled_household):
    """Least privilege: the webhooks service's own token (role partner_gateway) reaches the routes
    its report kinds forward to, and nothing else; its database holds no working credential."""
    from services.webhooks.domain.reports import REPORT_KINDS
    token = _credential(system).token()
    bearer = {"Authorization": f"Bearer {token}"}
    stored = system.db("webhooks")["meta"].find_one({"_id": "service_token"})
    assert "token" not in stored and token not in repr(stored)
    assert requests.get(f"http://127.0.0.1:{ECOMMERCE_PORT}/api/sales", headers=bearer, timeout=10).status_code == 403
    refused = requests.post(f"http://127.0.0.1:{ECOMMERCE_PORT}/api/stations", headers=bearer, timeout=10, json={
        "name": "站", "village_code": "621202104201", "township": "镇", "village": "村", "keeper": "李四"})
    assert refused.status_code == 403
    sale = {**report(enrolled_household["id"], "GATEWAY-1"), "channel": "partner_platform", "partner": "jd"}
    granted = requests.post(f"http://127.0.0.1:{ECOMMERCE_PORT}/api/sales", headers=bearer, timeout=10, json=sale)
    assert granted.status_code == 201, granted.text
    assert system.client("registry").get("/api/households", headers=bearer).status_code == 403   # no file, no ID number
    apps = create_apps(system.env)
    for kind in REPORT_KINDS.values():   # each granted rule is a real POST route of its program
        rules = {(rule.rule, method) for rule in apps[kind.program].url_map.iter_rules() for method in rule.methods}
        assert (kind.route, "POST") in rules, kind


def test_a_rotated_token_takes_over_and_the_service_reads_it_on_the_programs_401(system, hooks, partner, enrolled_household):
    hid = enrolled_household["id"]
    assert post(hooks, partner, "sales", report(hid, "JD-ROT-1")).status_code == 201   # the service holds a token now
    old = _credential(system).token()
    out = subprocess.run([sys.executable, "-m", "services.webhooks.credential", "rotate"], capture_output=True, text=True,
                         env={**system.env, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0 and "revoked" in out.stdout and old not in out.stdout, out.stdout + out.stderr
    assert _credential(system).token() != old
    time.sleep(3.5)   # what a program may still trust a revoked token for (PRINCIPAL_TTL_S)
    assert requests.post(f"http://127.0.0.1:{ECOMMERCE_PORT}/api/sales", timeout=10, json={},
                         headers={"Authorization": f"Bearer {old}"}).status_code == 401
    answer = post(hooks, partner, "sales", report(hid, "JD-ROT-2"))     # the app still holds the old one
    assert answer.status_code == 201, answer.get_json()
    assert len(sales(system, "JD-ROT-2")) == 1


def test_an_earlier_releases_central_token_in_clear_is_replaced_and_revoked(system):
    from shared.auth.store import AuthStore
    from shared.store import auth_db
    auth = AuthStore(auth_db(system.mongo, system.settings["webhooks"]))
    auth.upsert_user("webhooks-service", "a-password-nobody-knows", "central")
    clear = auth.issue_token("webhooks-service", "webhooks inbound reports")
    system.db("webhooks")["meta"].replace_one({"_id": "service_token"}, {"_id": "service_token", "token": clear}, upsert=True)
    token = _credential(system).token()
    assert token != clear and auth.principal_for_token(clear) is None
    assert auth.principal_for_token(token).role == "partner_gateway"
    assert "token" not in system.db("webhooks")["meta"].find_one({"_id": "service_token"})
