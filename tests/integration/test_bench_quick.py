"""The benchmark harness (``make bench``) in its quick form, so its code keeps working.

Nothing here is timed: it checks that every figure was produced and is sane (every event
applied once, counts that match), never how fast anything was."""
import json
import os

import pytest

from bench import report
from bench.run import Sizes, run


@pytest.fixture(scope="module")
def result(stack, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("bench")
    port_base = int(os.environ.get("BENCH_PORT_BASE", "26500"))
    return run(Sizes.quick(), run_dir, port_base, profile=True, log=lambda m: None), tmp_path_factory.mktemp("docs")


def test_every_part_ran(result):
    figures, _ = result
    assert figures["errors"] == {}
    assert figures["machine"]["cores"] >= 1 and figures["machine"]["kafka"] and figures["machine"]["ferretdb"]


def test_the_registry_applied_every_event_once_and_the_baselines_saw_them_all(result):
    figures, _ = result
    ingest, events = figures["ingest"], Sizes.quick().events
    assert ingest["verify"]["ok"], ingest["verify"]
    assert ingest["registry"]["events"] == ingest["raw_consume"]["events"] == ingest["raw_store"]["events"] == events
    assert ingest["registry"]["steady_rate"] > 0 and ingest["raw_consume"]["steady_rate"] > 0
    assert ingest["registry"]["samples"][-1][1] == events


def test_the_publish_path_and_latency_were_measured(result):
    figures, _ = result
    publish = figures["publish"]
    assert publish["relay"]["published"] == publish["relay"]["events"] == Sizes.quick().relay_events
    assert publish["http"]["sales"]["requests"] > 0 and publish["http"]["bare"]["requests"] > 0
    assert publish["http"]["sales"]["failed"] == 0
    latency = publish["latency"]
    assert latency["missing"] == 0 and latency["measured"] == latency["requests"] > 0
    assert 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["p99_ms"] <= latency["max_ms"]
    # The request left before the sale was written (its time is kept to the millisecond).
    assert latency["from_request"]["p50_ms"] >= latency["p50_ms"] - 1
    kinds = set(publish["memory"]) | set(figures["ingest"]["memory"])
    assert {"registry-consumer", "relay", "gunicorn (e-commerce)", "gunicorn (bare Flask)"} <= kinds


def test_the_reads_at_size_were_measured_on_the_set_loaded(result):
    figures, _ = result
    (households, history), = Sizes.quick().reads
    (measured,) = figures["reads"]["sets"]
    assert (measured["households"], measured["history"]) == (households, history)
    assert measured["load"]["households"] == households and measured["load"]["history"] == history
    assert not measured["load"]["reused"] and measured["load"]["rate"] > 0
    assert measured["feed_entries"] == Sizes.quick().reads_feed
    assert {"household file", "household timeline", "name search in a county", "county dashboard",
            "feed page (API, 50)", "feed page (UI, latest 50)"} <= set(measured["reads"])
    for name, read in measured["reads"].items():
        assert read["requests"] >= 1 and read["failed"] == 0, (name, read)
        assert 0 < read["p50_ms"] <= read["p99_ms"] <= read["max_ms"], name
    search = measured["store"]["name search"]
    assert search["matching"] > 0 and search["returned"] == min(search["matching"], 50)
    assert "gunicorn (registry)" in measured["memory"]


def test_the_report_has_the_tables_the_charts_and_the_raw_json(result):
    figures, out = result
    path = report.write(figures, out, quick=True)
    text = path.read_text()
    for heading in ("## Machine", "## 1. Registry ingest", "## 2. Publish path", "## 3. End-to-end latency",
                    "## 4. Memory", "## 6. Reads at size", "Not measured yet"):
        assert heading in text
    assert json.loads((out / "benchmarks.json").read_text())["sizes"]["events"] == Sizes.quick().events
    for chart in ("ingest.svg", "ingest-progress.svg", "publish.svg", "reads.svg"):
        assert (out / "benchmarks" / chart).read_text().startswith("<svg")
