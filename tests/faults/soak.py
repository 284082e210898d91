"""The soak: the fault suite's long form, bounded in time and count. ``make soak`` starts
its own stack and runs this; on 127.0.0.1 only.

    SOAK_SECONDS=600 SOAK_REQUESTS=6000 python -m tests.faults.soak

Rounds of faults under a steady load until the time or the request budget is spent: every
Procfile process SIGKILLed once at a random moment and restarted, the broker stopped for
SOAK_BROKER_DOWN_S (30), the store stopped for SOAK_STORE_DOWN_S (15), a group of three
registry workers losing one. Then everything accepted must arrive, and reconcile must find
no difference. Writes ``<SOAK_REPORT_DIR>/soak-<time>.json`` and ``.md`` (and
``soak-latest.*``); exits 1 if anything differs."""
from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from tests.faults.harness import (Load, FaultSystem, broker_outage, group_rebalance, kill_every_process, now,
                                  store_outage)

ROOT = Path(__file__).resolve().parents[2]


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def main() -> int:
    seconds, budget = _int("SOAK_SECONDS", 600), _int("SOAK_REQUESTS", 6000)
    broker_down, store_down = _int("SOAK_BROKER_DOWN_S", 30), _int("SOAK_STORE_DOWN_S", 15)
    seed = _int("SOAK_SEED", random.randrange(10**6))
    reports = Path(os.environ.get("SOAK_REPORT_DIR") or ROOT / "reports")
    reports.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    rng = random.Random(seed)
    system = FaultSystem(reports / f"soak-{stamp}-run", os.environ["SOAK_DATA"], _int("SOAK_PORT_BASE", 18100),
                         label="soak", web_concurrency=2)
    say = lambda msg: print(f"[soak {now() - system.faults.started:7.1f}s] {msg}", flush=True)  # noqa: E731
    rounds, result, load = [], None, None
    try:
        say(f"starting {len(system.processes)} processes (seed {seed}, {seconds}s, at most {budget} requests)")
        system.start()
        households = system.prepare(households=6)
        load = Load(system, households, max_requests=budget, seed=seed)
        load.start()
        deadline = now() + seconds
        faults = ["kill", "broker", "store", "group"]
        while now() < deadline and load.is_alive():
            kind = faults[len(rounds) % len(faults)]
            time.sleep(rng.uniform(2, 6))
            say(f"fault: {kind}")
            t0 = now()
            if kind == "kill":
                detail = {"killed": kill_every_process(system, rng)}
            elif kind == "broker":
                detail = broker_outage(system, load, broker_down)
            elif kind == "store":
                detail = store_outage(system, load, store_down)
            else:
                detail = group_rebalance(system, rng, workers=3)
            rounds.append({"fault": kind, "at_s": round(t0 - system.faults.started, 1),
                           "took_s": round(now() - t0, 1), **detail})
        load.stop()
        say(f"load stopped: {load.sent} sent, {len(load.accepted)} accepted; waiting for everything to arrive")
        result = system.wait_reconciled(load.accepted, timeout=_int("SOAK_ARRIVAL_S", 900))
    finally:
        if load is not None and load.is_alive():
            load.stop()
        system.close()
    report = _report(system, load, rounds, result, seed, seconds, budget)
    (reports / f"soak-{stamp}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str))
    markdown = _markdown(report)
    (reports / f"soak-{stamp}.md").write_text(markdown)
    (reports / "soak-latest.md").write_text(markdown)
    (reports / "soak-latest.json").write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str))
    print(markdown)
    return 0 if report["ok"] else 1


def _report(system, load, rounds, result, seed, seconds, budget) -> dict:
    rec = (result or {}).get("report") or {"programs": {}, "statistics": {}, "differences": None}
    bad_503 = [p for r in rounds if r["fault"] == "store" for p in r["probes"].values() if not p["write"]["clean"]]
    return {
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": seed, "bounds": {"seconds": seconds, "requests": budget},
        "duration_s": round(now() - system.faults.started, 1),
        "processes": system.processes,
        "requests": {"sent": load.sent if load else 0, "accepted": len(load.accepted) if load else 0,
                     "by_status": {str(k): v for k, v in (load.statuses if load else {}).items()},
                     "server_errors_other_than_clean_503": (load.bad if load else [])[:20]},
        "rounds": rounds, "faults": system.faults.entries,
        "reconcile": rec,
        "accepted_unmatched": len((result or {}).get("unmatched", [])),
        "accepted_ambiguous": len((result or {}).get("ambiguous", [])),
        "store_outage_writes_not_503": bad_503,
        "ok": bool(result and result["ok"]) and not (load and load.bad) and not bad_503,
    }


def _markdown(r: dict) -> str:
    lines = [f"# Soak report ({r['finished']})", "",
             f"- bounds: {r['bounds']['seconds']} s, {r['bounds']['requests']} requests; ran {r['duration_s']} s; seed {r['seed']}",
             f"- requests: {r['requests']['sent']} sent, {r['requests']['accepted']} accepted; by status "
             + ", ".join(f"{k}: {v}" for k, v in sorted(r["requests"]["by_status"].items())),
             f"- server errors other than a clean 503: {len(r['requests']['server_errors_other_than_clean_503'])}",
             f"- faults injected: {sum(1 for f in r['faults'] if f['what'] in ('SIGKILL', 'stop'))} "
             f"({sum(1 for f in r['faults'] if f['what'] == 'SIGKILL')} SIGKILLs, "
             f"{sum(1 for f in r['faults'] if f['what'] == 'stop' and f['target'] == 'kafka')} broker stops, "
             f"{sum(1 for f in r['faults'] if f['what'] == 'stop' and f['target'] == 'ferretdb')} store stops)",
             f"- accepted requests whose event was not found: {r['accepted_unmatched']}; ambiguous: {r['accepted_ambiguous']}",
             f"- **differences found by reconcile: {r['reconcile'].get('differences')}** — {'OK' if r['ok'] else 'NOT OK'}",
             "", "## Reconciliation", "",
             "| program | published | in history | in stream | dead-lettered | missing (history/stream) | duplicated (history/stream) | relay re-sends |",
             "|---|---|---|---|---|---|---|---|"]
    for program, p in r["reconcile"].get("programs", {}).items():
        lines.append(f"| {program} | {p['published']} | {p['in_history']} | {p['in_stream']} | {p['deadlettered']} | "
                     f"{p['missing_from_history']}/{p['missing_from_stream']} | {p['history_duplicates']}/"
                     f"{p['stream_duplicates']} | {p['published_copies']}+{p['stream_redelivered']} |")
    stats = r["reconcile"].get("statistics", {})
    lines += ["", f"Statistics equal to a recount from the history: {stats.get('equal')} "
                  f"({stats.get('compared')} group-months compared).", "", "## Fault rounds", ""]
    for round_ in r["rounds"]:
        detail = {k: v for k, v in round_.items() if k not in ("fault", "at_s", "took_s")}
        lines.append(f"- t={round_['at_s']}s **{round_['fault']}** ({round_['took_s']} s): "
                     + json.dumps(detail, ensure_ascii=False, default=str)[:600])
    lines += ["", "## Fault log", "", "| t (s) | what | target |", "|---|---|---|"]
    lines += [f"| {f['t']} | {f['what']} | {f['target']} |" for f in r["faults"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
