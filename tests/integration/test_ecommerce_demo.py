"""The e-commerce demo loader works against the real web process (gunicorn, HTTP API)."""
import random
from datetime import date

import requests

from deploy.local.demo_ecommerce import load
from tests.integration.conftest import ensure_running, start_web
from tests.integration.registry_support import new_household
from tests.support import wait_until


def test_the_demo_loader_records_a_few_months_of_activity(system):
    ensure_running(system, "registry-relay", "ecommerce-households")
    url = start_web(system, "ecommerce")
    ids = [new_household(system, village_code=village, head=head)["id"]
           for village, head in [("621202104201", "王建国"), ("621202104202", "李德福"), ("621202104201", "张春花"),
                                 ("621222100210", "赵永胜"), ("621222100210", "刘海燕"), ("621202104202", "马志强")]]
    for hid in ids:
        wait_until(lambda: system.db("ecommerce")["households"].find_one({"_id": hid}), timeout=60,
                   message="the household in the read model")

    counts = load(url, system.tokens["central"], ids, random.Random(7))
    assert counts["enrolled"] >= 3 and counts["sales"] > 0 and counts["stores"] >= 1
    assert counts["stations"] >= 1 and counts["trainings"] >= 1 and counts["attendances"] >= 1
    headers = system.headers("auditor")
    assert requests.get(f"{url}/api/sales", headers=headers, timeout=10).json()["total"] == counts["sales"]
    refunded = requests.get(f"{url}/api/sales?per_page=200", headers=headers, timeout=10).json()["items"]
    assert sum(len(s["refunds"]) for s in refunded) == counts["refunds"]
    # Two years of selling (issue 19): sales in many months, none in the future.
    days = [s["sold_on"] for s in refunded]
    assert len({day[:7] for day in days}) >= 12 and max(days) <= date.today().isoformat(), sorted(days)
    report = requests.get(f"{url}/api/reports/monthly", headers=headers, timeout=10).json()
    assert report["totals"]["sales"] > 0
    system.procs.kill("ecommerce")
