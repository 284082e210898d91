"""Faults under load, against the real broker and store with every service a real process:
nothing accepted is lost, nothing is counted twice (short form; ``make soak`` is the long one).

Each test stops its load, waits for everything accepted to arrive, and reconciles; the last
reconciles the whole run."""
from __future__ import annotations

import json
import random
import time

from tests.faults.harness import broker_outage, group_rebalance, kill_every_process, store_outage

ARRIVAL_S = 180  # everything accepted arrives within this after the faults end (2 shared cores)


def _settled(faulty, load):
    load.stop()
    result = faulty.wait_reconciled(load.accepted, timeout=ARRIVAL_S)
    detail = json.dumps({k: v for k, v in result.items() if k != "report"} | {
        "programs": result["report"]["programs"], "statistics": result["report"]["statistics"],
        "seed": load.seed, "faults": faulty.faults.entries[-12:],
        "exited": {n: p.poll() for n, p in faulty.procs.running.items() if p.poll() is not None}}, ensure_ascii=False, indent=1, default=str)[:6000]
    assert result["ok"], detail
    assert not load.bad, load.bad[:5]
    return result


def test_each_process_sigkilled_at_a_random_moment_loses_nothing_and_counts_nothing_twice(faulty, load):
    rng = random.Random(load.seed)
    time.sleep(1)
    killed = kill_every_process(faulty, rng, gap=(0.3, 1.5))
    assert set(killed) == set(faulty.processes)
    assert {"registry-consumer", "registry"} <= set(killed) and any(k.endswith("-relay") for k in killed)
    time.sleep(1)
    result = _settled(faulty, load)
    services = {a.service for a in load.accepted}
    assert services == {"registry", *faulty.programs}, (services, load.statuses)
    assert result["accepted"] >= 20, load.statuses


def test_the_broker_stopped_under_load_keeps_requests_accepted_and_everything_arrives(faulty, load):
    time.sleep(1)
    outage = broker_outage(faulty, load, down_s=10)
    assert all(n > 0 for n in outage["accepted_while_down"].values()), outage
    # Ready while the broker is away (a balancer keeps sending writes), and it says so.
    assert outage["readyz"] and all(r["status"] == 200 and r["broker"] == "unreachable"
                                    for r in outage["readyz"].values()), outage["readyz"]
    time.sleep(2)
    _settled(faulty, load)


def test_the_store_stopped_answers_503_writes_nothing_half_and_recovers(faulty, load):
    time.sleep(1)
    outage = store_outage(faulty, load, down_s=8)
    for service, probe in outage["probes"].items():
        assert probe["write"]["clean"], (service, probe)          # 503, the JSON error shape
        assert probe["write"]["seconds"] < 10, (service, probe)   # within a web request's time
        assert probe["readyz"]["status"] == 503 and probe["readyz"]["store"] != "ok", (service, probe)
    faulty.wait_ready("registry", timeout=60)
    time.sleep(3)
    assert load.accepted_since(time.monotonic() - 3) > 0, load.statuses  # serving again
    _settled(faulty, load)
    # Nothing half-written: every sale in e-commerce's store was published (it is not
    # missing from the history, which reconcile checked), and no 503'd write left a record.
    if "ecommerce" in faulty.programs:
        published = {e.data.get("sale_id") for e in faulty.published_events() if e.type.endswith("sale.recorded.v1")}
        stored = {d["_id"] for d in faulty.db("ecommerce")["sales"].find({}, {"_id": 1})}
        assert stored == published
    stored = {d["_id"] for d in faulty.db("registry")["households"].find({}, {"_id": 1})}
    identified = {e.subject for e in faulty.published_events() if e.type.endswith("household.identified.v1")}
    assert stored == identified


def test_a_consumer_group_with_a_worker_killed_mid_run_loses_and_doubles_nothing(faulty, load):
    outcome = group_rebalance(faulty, random.Random(load.seed), workers=3, run_s=6)
    assert outcome["members_seen"] >= 3
    _settled(faulty, load)


def test_the_run_ends_reconciled_every_accepted_request_exactly_once(faulty):
    result = faulty.wait_reconciled(faulty.all_accepted, timeout=ARRIVAL_S)
    assert result["ok"], json.dumps(result["report"], ensure_ascii=False)[:4000]
    assert not result["unmatched"] and not result["ambiguous"]
    assert result["accepted"] == len(faulty.all_accepted) > 50
    for program, p in result["report"]["programs"].items():
        assert p["missing_from_history"] == p["missing_from_stream"] == p["stream_duplicates"] == 0, program
