"""A partner bank's repayment report, signed the Standard Webhooks way, reaches the
micro-credit service's real HTTP API (gunicorn process) through the webhooks service and is
recorded once against the loan, however often the bank sends it."""
from __future__ import annotations

import os
import uuid

import pytest
import requests

from shared.config import Settings
from shared.kafka.admin import ensure_topics
from services.webhooks.app import create_app
from services.webhooks.config import WebhookSettings
from tests.integration.conftest import System, ensure_running
from tests.integration.microcredit_support import MC, ago
from tests.integration.webhooks_support import signed
from tests.support import isolated_env, wait_until

# Beside the e2e ports of the run, clear of the services' own and of test_webhooks_inbound.
MICROCREDIT_PORT = int(os.environ.get("E2E_PORT_BASE", "18000")) + 911


def _ready() -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{MICROCREDIT_PORT}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def system(stack, tmp_path_factory):
    env = {**isolated_env("whbank"), "MICROCREDIT_PORT": str(MICROCREDIT_PORT),
           "MICROCREDIT_URL": f"http://127.0.0.1:{MICROCREDIT_PORT}", "WEB_CONCURRENCY": "1",
           "WEBHOOKS_ALLOWED_HOSTS": "127.0.0.1"}
    system = System(env, tmp_path_factory.mktemp("run"))
    system.settings["webhooks"] = Settings.from_env("webhooks", env)
    ensure_topics(system.settings["registry"])
    system.create_users()
    ensure_running(system, "registry-relay", "microcredit-households")
    system.procs.start("microcredit")
    wait_until(_ready, timeout=60, message="the micro-credit process")
    yield system
    system.close()


def test_a_bank_reports_a_repayment_once(system):
    mc = MC(system)
    hid = mc.enrolled(head="马向阳")
    loan = mc.lent(hid, 1_200_000, 3, "interest_only", days_ago=40)
    hooks = create_app(system.settings["webhooks"], WebhookSettings.from_env(system.env)).test_client()
    r = hooks.post("/api/partners", headers=system.headers("central"), json={
        "name": "甘肃农信", "kind": "bank", "contact": "普惠金融部", "programs": ["microcredit"]})
    assert r.status_code == 201, r.get_json()
    bank = r.get_json()

    body = {"partner_ref": "GSRCU-TX-77", "loan_id": loan["id"], "amount_fen": 4350, "paid_on": ago(5)}
    answers = []
    for _ in range(3):   # each post a new message (a new webhook-id): the bank's own retries
        data, headers = signed(bank["inbound_secret"], body, f"msg_{uuid.uuid4().hex}")
        answers.append(hooks.post(f"/api/inbound/{bank['id']}/repayments", data=data, headers=headers))
    assert [a.status_code for a in answers] == [201, 200, 200], [a.get_json() for a in answers]

    stored = mc.get(f"/api/loans/{loan['id']}")
    assert len(stored["repayments"]) == 1 and stored["status"] == "repaying"
    assert stored["repayments"][0]["source"] == "bank" and stored["repayments"][0]["amount_fen"] == 4350

    # Another amount under the same reference: refused, said why; nothing added.
    data, headers = signed(bank["inbound_secret"], {**body, "amount_fen": 4000}, f"msg_{uuid.uuid4().hex}")
    other = hooks.post(f"/api/inbound/{bank['id']}/repayments", data=data, headers=headers)
    assert other.status_code == 409 and other.get_json()["reason"] == "partner_ref_reused", other.get_json()
    assert len(mc.get(f"/api/loans/{loan['id']}")["repayments"]) == 1
