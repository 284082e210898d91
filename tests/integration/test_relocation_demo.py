"""The relocation demo loader works against the real web process (gunicorn, HTTP API)."""
import random

import requests

from deploy.local.demo_relocation import load
from shared.config import Settings
from tests.integration.conftest import ensure_running, start_web
from tests.integration.registry_support import new_household
from tests.support import wait_until


def test_the_demo_loader_takes_households_through_their_cases(system):
    ensure_running(system, "registry-relay", "relocation-households")
    url = start_web(system, "relocation")
    ids = [new_household(system, village_code="621202104201" if i % 2 else "621222100210", head=f"王{i}")["id"]
           for i in range(24)]
    db = system.mongo[Settings.from_env("relocation", system.env).database_name]
    for hid in ids:
        wait_until(lambda: db["households"].find_one({"_id": hid}), timeout=60,
                   message="the household in the read model")

    counts = load(url, system.tokens["central"], ids, random.Random(7))
    assert counts["cases"] == 6 and counts["sites"] >= 2 and counts["moved_in"] >= 1, counts
    headers = system.headers("auditor")
    cases = requests.get(f"{url}/api/cases?per_page=200", headers=headers, timeout=10).json()
    assert cases["total"] == counts["cases"]
    stages = [c["stage"] for c in cases["items"]]
    assert sum(s in ("moved_in", "supported", "reclaimed") for s in stages) == counts["moved_in"]
    assert sum(s in ("supported", "reclaimed") for s in stages) == counts.get("employed", 0)
    report = requests.get(f"{url}/api/report", headers=headers, timeout=10).json()
    assert report["total"]["relocated"] == counts["moved_in"]
    system.procs.kill("relocation")
