"""Adding a program is shown, not told (issue 17): ``python -m deploy.new_program`` makes a
seventh program from the skeleton in this very tree; its web process, relay and households
read model run from the Procfile lines it added, a payment recorded through its API reaches the
registry's history of the household, and the program is taken away again, leaving the tree as
it was."""
from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from deploy.local.processes import ROOT
from tests.integration.conftest import System, start_web
from tests.integration.registry_support import new_household, registry_history
from tests.support import isolated_env, wait_until

NAME, PORT = "seventh", 8097
NEW_PROGRAM = [sys.executable, "-m", "deploy.new_program", NAME, "--port", str(PORT)]


def _tree() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def seventh_program(stack):
    subprocess.run(NEW_PROGRAM + ["--remove"], cwd=ROOT, check=True, capture_output=True)  # a crashed run's
    before = _tree()
    made = subprocess.run(NEW_PROGRAM + ["--en", "Seventh program", "--zh", "第七项目"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.split()
    try:
        yield made
    finally:
        subprocess.run(NEW_PROGRAM + ["--remove"], cwd=ROOT, check=True, capture_output=True)
    assert _tree() == before, "taking the program away must leave the tree as it was"


def test_a_generated_program_runs_through_the_pipeline_to_the_registry_history(seventh_program, tmp_path):
    assert f"services/{NAME}/service.py" in seventh_program and f"shared/events/types/{NAME}.py" in seventh_program
    # The processes are read from the Procfile as it is now, with the program's three lines.
    system = System(isolated_env("newprog"), tmp_path / "run")
    try:
        assert {NAME, f"{NAME}-relay", f"{NAME}-households"} <= set(system.procs.commands)
        system.create_users()
        # The consumer creates the topics it reads at start, the new program's among them.
        system.procs.start("registry-consumer")
        for process in ("registry-relay", f"{NAME}-households", f"{NAME}-relay"):
            system.procs.start(process)
        url = start_web(system, NAME)
        auth = system.headers("central")

        hid = new_household(system)["id"]
        wait_until(lambda: requests.get(f"{url}/api/households/{hid}", headers=auth, timeout=5).status_code == 200,
                   timeout=90, message="the household in the new program's read model")
        r = requests.post(f"{url}/api/enrolments", json={"household_id": hid}, headers=auth, timeout=10)
        assert r.status_code == 201, r.text
        r = requests.post(f"{url}/api/payments", json={"household_id": hid, "description": "刺绣订单",
                                                       "amount_fen": 12_345, "paid_on": "2026-11-20"},
                          headers=auth, timeout=10)
        assert r.status_code == 201, r.text
        # The skeleton's refusals are the kit's: unknown household 422, naming the field.
        r = requests.post(f"{url}/api/payments", json={"household_id": "H621202ZZZZZZZZZZ", "description": "x",
                                                       "amount_fen": 1, "paid_on": "2026-11-20"},
                          headers=auth, timeout=10)
        assert r.status_code == 422 and "household_id" in r.json()["errors"]["json"], r.text

        entries = wait_until(lambda: (lambda h: h if len(h) >= 2 else None)(registry_history(system, hid, NAME)),
                             timeout=90, message="the new program's events in the registry's history")
        by_type = {e["event_type"]: e for e in entries}
        payment = by_type[f"cn.jingzhun.{NAME}.payment.recorded.v1"]
        assert payment["income_fen"] == 12_345 and payment["title_zh"] == "第七项目：支付123.45元（刺绣订单）"
        assert f"cn.jingzhun.{NAME}.enrolment.started.v1" in by_type
        assert "/api/payments" in requests.get(f"{url}/openapi.json", timeout=10).json()["paths"]
    finally:
        system.close()
