"""The micro-credit demo loader works against the real web process (gunicorn, HTTP API)."""
import random

import requests

from deploy.local.demo_microcredit import load
from tests.integration.conftest import ensure_running, start_web
from tests.integration.registry_support import new_household
from tests.support import wait_until


def test_the_demo_loader_rates_lends_and_records_repayments(system):
    ensure_running(system, "registry-relay", "microcredit-households")
    url = start_web(system, "microcredit")
    ids = [new_household(system, village_code=village, head=f"户主{n}")["id"]
           for n, village in enumerate(["621202104201", "621202104202", "621222100210"] * 5)]
    mc_db = system.mongo[f"{system.env['JINGZHUN_DB_PREFIX']}_microcredit"]
    for hid in ids:
        wait_until(lambda: mc_db["households"].find_one({"_id": hid}), timeout=60, message="the household known")

    counts = load(url, system.tokens["central"], ids, random.Random(11))
    assert counts["enrolled"] == 6 and counts["rated"] == 6 and counts["funds"] >= 1, counts
    assert counts["loans"] >= 2 and counts["repayments"] > 0, counts
    headers = system.headers("auditor")
    loans = requests.get(f"{url}/api/loans?per_page=200", headers=headers, timeout=10).json()
    assert loans["total"] == counts["loans"]
    assert sum(len(requests.get(f"{url}/api/loans/{l['id']}", headers=headers, timeout=10).json()["repayments"])
               for l in loans["items"]) == counts["repayments"]
    report = requests.get(f"{url}/api/report", headers=headers, timeout=10).json()
    assert report["totals"]["disbursed_fen"] > 0 or counts["loans"] == counts["rejected"]
    system.procs.kill("microcredit")
