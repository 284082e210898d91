"""Helpers for the registry's integration tests."""
import random

from services.registry.adapters.summaries import HouseholdSummaries, summary_of
from services.registry.domain.exit_rules import today_utc
from services.registry.domain.id_numbers import check_digit
from shared.events import CATALOGUE
from shared.kafka.producer import make_producer, send_envelope
from tests.support import wait_until


def id_number(birth_year: int, county: str = "621202", seed: int | None = None) -> str:
    rng = random.Random(seed)
    first17 = f"{county}{birth_year}0{rng.randint(1, 9)}1{rng.randint(0, 9)}{rng.randint(100, 999)}"
    return first17 + check_digit(first17)


def new_household(system, user="central", village_code="621202104201", head="王建国", **overrides):
    body = {
        "village_code": village_code, "township": "汉王镇", "village": "寺背村", "main_cause": "illness",
        "income_per_capita_fen": 210000,
        "members": [{"name": head, "relation": "head", "sex": "male", "birth_year": 1968},
                    {"name": "李秀英", "relation": "spouse", "sex": "female", "birth_year": 1970}],
    }
    body.update(overrides)
    r = system.client("registry").post("/api/households", json=body, headers=system.headers(user))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def get(system, path, user="central"):
    r = system.client("registry").get(path, headers=system.headers(user))
    assert r.status_code == 200, (path, r.get_json())
    return r.get_json()


def post(system, path, body, user="central", expect=200):
    r = system.client("registry").post(path, json=body, headers=system.headers(user))
    assert r.status_code == expect, (path, r.status_code, r.get_json())
    return r.get_json()


def registry_history(system, hid, program=None):
    query = {"household_id": hid, **({"program": program} if program else {})}
    return list(system.db("registry")["history"].find(query))


def wait_history(system, hid, count, program=None, timeout=60):
    return wait_until(lambda: (lambda h: h if len(h) >= count else None)(registry_history(system, hid, program)),
                      timeout=timeout, message=f"{count} history entries for {hid}")


READY_TO_EXIT = {"income_per_capita_fen": 520000,
                 "guarantees": {g: True for g in ("food", "clothing", "compulsory_education", "basic_medical",
                                                  "safe_housing")}}


# Who takes each exit step in the tests: a different person at each level (issue 18).
EXIT_STEP_BY = {"propose_exit": "cadre_wudu", "township_check": "county_wudu", "county_approve": "county_wudu_head",
                "finish_notice": "county_wudu"}
EXIT_STEPS = tuple(EXIT_STEP_BY)


def exit_steps(system, hid, steps=EXIT_STEPS, send=None):
    """Take ``steps`` of the exit workflow, each by its own person (EXIT_STEP_BY), with
    ``send`` (this module's ``post`` unless given)."""
    send = send or post
    for step in steps:
        send(system, f"/api/households/{hid}/exit-steps", {"step": step}, user=EXIT_STEP_BY[step])


def exit_household(system, hid):
    """Take a file meeting the exit criteria through the exit workflow (notice of 0 days)."""
    exit_steps(system, hid)
    assert get(system, f"/api/households/{hid}")["status"] == "exited"


def send(system, event) -> None:
    """A program's event on its topic, as the program would send it."""
    producer = make_producer(system.settings["registry"], client_id="tests")
    send_envelope(producer, system.topics.program(event.type.split(".")[2]), event)
    producer.flush()
    producer.close()


def risk_event(hid: str, enrolment_id: str = "E1", reason: str = "贷款项目结束"):
    """A risk event of a household (a loan programme ended today): after an exit taken today, it
    raises a warning. (An event counts on the file as it stood on its day: one dated before the
    exit finds the household poor and raises none.)"""
    return CATALOGUE.new_event("cn.jingzhun.microcredit.enrolment.ended.v1", "microcredit", hid, {
        "household_id": hid, "recorded_by": "bank", "enrolment_id": enrolment_id,
        "ended_on": today_utc().isoformat(), "reason": reason})


def run_task(system, module: str, *args: str) -> dict:
    """Run a service's scheduled task as its own process; its last output line is JSON."""
    import json
    import os
    import subprocess
    import sys
    from tests.support import ROOT
    env = {**os.environ, **system.env, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", module, *args], env=env, capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def stored_summary(db, hid) -> dict:
    """The household's assistance summary as the consumer stored it (apart from the file)."""
    return summary_of(HouseholdSummaries(db).read_many([hid]).get(hid))


def start_exit_pipeline(system, village: str = "621202104201") -> None:
    """The registry's consumer and relay running, public notices of 0 days (they end today),
    and Wudu with ``village`` (population 1,000) among the areas."""
    app = system.app("registry")
    app.extensions["settings"] = app.extensions["settings"].with_(exit_notice_days=0)
    for name in ("registry-consumer", "registry-relay"):
        system.procs.start(name)
    r = system.client("registry").put("/api/areas", headers=system.headers("central"), json={
        "areas": [{"code": "621202", "name": "武都区"}, {"code": village, "name": "寺背村", "population": 1000}]})
    assert r.status_code == 200, r.get_json()
