"""The reconcile command on a real run: no difference when everything arrived, and each
planted difference found (exit status 1, JSON report)."""
import json
import subprocess
import sys

from shared.events.envelope import Envelope
from shared.kafka.producer import make_producer, send_envelope
from tests.integration.conftest import ensure_running, sale_for
from tests.support import ROOT, read_topic, wait_until


def _reconcile(system):
    run = subprocess.run([sys.executable, "-m", "services.registry.reconcile", "--json", "-"], cwd=ROOT,
                         env={**system.env, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=120)
    assert run.stdout, run.stderr[-2000:]
    return run.returncode, json.loads(run.stdout)


def test_reconcile_agrees_with_a_clean_run_and_finds_each_planted_difference(system, enrolled_household):
    ensure_running(system, "registry-consumer", "registry-relay", "ecommerce-relay")
    hid = enrolled_household["id"]
    r = system.client("ecommerce").post("/api/sales", json=sale_for(hid), headers=system.headers("central"))
    assert r.status_code == 201, r.get_json()
    sale_id = r.get_json()["id"]
    entry = wait_until(lambda: system.db("registry")["history"].find_one({"data.sale_id": sale_id}), timeout=60,
                       message="the sale in the history")

    code, report = wait_until(lambda: (lambda c: c if c[0] == 0 else None)(_reconcile(system)), timeout=60,
                              message="a clean reconciliation")
    assert report["ok"] and report["programs"]["ecommerce"]["published"] >= 2   # enrolment + sale
    assert report["programs"]["registry"]["published"] >= 1 and report["statistics"]["equal"]

    # Planted: the stream carries the sale twice (two stream events), and the history lost it.
    bootstrap = system.env["KAFKA_BOOTSTRAP_SERVERS"]
    [original] = [e for e in (Envelope.from_kafka(x.key, x.value, x.headers)
                              for x in read_topic(bootstrap, system.topics.stream, 10, timeout=8))
                  if e.data.get("event_id") == entry["_id"]]
    producer = make_producer(system.settings["registry"], client_id="tests")
    send_envelope(producer, system.topics.stream, Envelope(type=original.type, source=original.source,
                                                           subject=original.subject, data=original.data))
    producer.flush()
    producer.close()
    system.db("registry")["history"].delete_one({"_id": entry["_id"]})

    code, report = _reconcile(system)
    assert code == 1 and not report["ok"]
    ecommerce = report["programs"]["ecommerce"]
    assert ecommerce["missing_from_history"] == 1 and ecommerce["samples"]["missing_from_history"] == [entry["_id"]]
    assert ecommerce["stream_duplicates"] == 1 and ecommerce["not_published"] == 0
    counters = {d["counter"] for d in report["statistics"]["differences"] if d["group"] == "ecommerce"}
    assert {"events", "income_fen", "amount_fen"} <= counters   # counted in the statistics, not in the history
