"""docs/benchmarks.md (tables and charts) and docs/benchmarks.json (every raw figure) from
one run's result."""
from __future__ import annotations

import json
from pathlib import Path

from bench import charts

HERE = Path(__file__).resolve().parent


def _r(x, digits=0):
    return "–" if x is None else f"{x:,.{digits}f}"


def _ratio(a, b):
    return None if not a or not b else a / b


def _mb(n):
    return f"{n / 1024 / 1024:,.0f} MB"


def write(result: dict, out_dir: Path, quick: bool = False) -> Path:
    out_dir = Path(out_dir)
    charts_dir = out_dir / "benchmarks"
    charts_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "benchmarks.json").write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str) + "\n")
    m = result["machine"]
    s = result["sizes"]
    lines = ["# Benchmarks", "",
             "Written by `make bench` (`python -m bench`); do not edit by hand — the raw figures are in "
             "[benchmarks.json](benchmarks.json). Every figure is a ratio against a baseline measured in the same "
             "run on the same machine, with the absolute numbers. Nothing here is a test: nothing fails on a slow day.",
             ""]
    if quick:
        lines += ["> **Quick form** (tiny sizes, as `make test` runs it): the figures show the harness works, "
                  "not what the system can do.", ""]
    lines += _before_after(result)
    lines += ["## Machine", "", "| | |", "|---|---|",
              f"| Date (UTC) | {m['date']} |", f"| CPU | {m['cpu']}, {m['cores']} cores |", f"| RAM | {m['ram_gb']} GB |",
              f"| Load average at start | {', '.join(str(x) for x in m['load_average_at_start'])} |",
              f"| OS | {m['os']} |", f"| Python | {m['python']} |", f"| Kafka | {m['kafka']} (one broker, KRaft) |",
              f"| Store | FerretDB {m['ferretdb']} on SQLite (the local stack, with the project's patches) |",
              f"| Drivers | kafka-python {m['kafka_python']}, pymongo {m['pymongo']}, gunicorn {m['gunicorn']} |", "",
              "Kafka, the store, the services and the load generator share these cores: a figure is what one "
              "part gets while the others run, as on a small single-host deployment.", ""]
    for name, error in result.get("errors", {}).items():
        lines += [f"> **{name} failed in this run:** `{error}`", ""]
    lines += _ingest(result.get("ingest"), s, charts_dir)
    lines += _publish(result.get("publish"), s, charts_dir)
    lines += _memory(result)
    lines += _scale(result.get("scale_out"), charts_dir)
    lines += _reads(result.get("reads"), charts_dir)
    changes = HERE / "CHANGES.md"
    if changes.exists():
        lines += [changes.read_text().rstrip(), ""]
    lines += [(HERE / "TODO.md").read_text().rstrip(), ""]
    path = out_dir / "benchmarks.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _ingest(r, s, charts_dir) -> list[str]:
    if not r or "registry" not in r:
        return []
    reg, consume, store = r["registry"], r["raw_consume"], r["raw_store"]
    # Issue 15: against the raw bulk insert of the same history entries (what an append-only
    # ingest is made of); the consume baseline is shown beside it.
    ratio = _ratio(reg["steady_rate"], store["rate"])
    rebuilt = r.get("rebuild")
    rebuild_ratio = _ratio(rebuilt["rate"], store["rate"]) if rebuilt else None
    v = r["verify"]
    (charts_dir / "ingest.svg").write_text(charts.bars("Registry ingest, events/s (one worker)", "events/s", [
        ("kafka-python consume (nothing done)", consume["steady_rate"]), ("pymongo insert_many of the history", store["rate"]),
        ("registry consumer", reg["steady_rate"])]))
    (charts_dir / "ingest-progress.svg").write_text(charts.line(
        "Registry consumer: events committed over time", "seconds since the process started", "events",
        [(t, n) for t, n in reg["samples"]]))
    lines = ["## 1. Registry ingest", "",
             f"{s['events']:,} events of three programs (e-commerce sales, tourism bookings and wages, photovoltaic "
             f"dividends) over {s['households']:,} households, already on the program topics (3 partitions each), "
             "applied by **one** real `services.registry.consumer` process to the household summaries, history, "
             "area statistics, publishing the consolidated stream in its Kafka transactions, exactly once.", "",
             "| | events | seconds | events/s | ratio to the bulk insert |", "|---|---:|---:|---:|---:|",
             f"| kafka-python consume, nothing done (baseline) | {consume['events']:,} | {_r(consume['seconds'], 1)} | "
             f"{_r(consume['steady_rate'])} | |",
             f"| pymongo `insert_many` of the same history entries (baseline) | {store['events']:,} | "
             f"{_r(store['seconds'], 1)} | {_r(store['rate'])} | |",
             f"| **registry consumer** | {reg['events']:,} | {_r(reg['seconds'], 1)} | **{_r(reg['steady_rate'])}** | "
             f"**{_r(ratio, 3)}** |"]
    if rebuilt:
        lines += [f"| rebuild: `services.registry.rebuild` replaying {rebuilt['expected']:,} events of "
                  f"{rebuilt.get('households', 0):,} households into fresh collections | {rebuilt['events']:,} | "
                  f"{_r(rebuilt['seconds'], 1)} | {_r(rebuilt['rate'])} | {_r(rebuild_ratio, 3)} |"]
    lines += ["",
             f"Target (issue 15): at least half the bulk insert (ratio ≥ 0.5), for the consumer and the rebuild. This run: "
             f"**{_r(ratio, 3)}** — {'met' if ratio and ratio >= 0.5 else 'not met'}"
             + (f"; rebuild **{_r(rebuild_ratio, 3)}**" if rebuilt else "")
             + f". Rates are over the steady part (first progress to the "
             f"end); the whole run including start-up and group join was {_r(reg['rate'])} events/s. "
             f"CPU used: the worker {reg['worker_cpu_seconds']} s, the store {reg['store_cpu_seconds']} s.", "",
             f"Check: {v['history_entries']:,} history entries and {v['statistics_events']:,} events in the area "
             f"statistics for {v['expected']:,} sent; {v['summaries_checked'] - v['summaries_wrong']} of "
             f"{v['summaries_checked']} households' summaries checked count their events — "
             f"{'all applied, once' if v['ok'] else '**not all applied within the time bound**'}.", "",
             f"Filling the topics (kafka-python, the project's idempotent producer, acks=all): "
             f"{_r(r['produce']['rate'])} events/s. Writing the households with the bulk import path: "
             f"{_r(r['prefill_store']['seconds'], 1)} s.", "",
             "![ingest](benchmarks/ingest.svg)", "", "![progress](benchmarks/ingest-progress.svg)", ""]
    prof = reg.get("profile") or {}
    if prof.get("top"):
        lines += ["### Where the consumer spends its time (py-spy)", "",
                  f"Share of {prof['samples']:,} samples in which a function is on the stack (inclusive):", "",
                  "| function | share |", "|---|---:|"]
        lines += [f"| `{t['function']}` | {t['share']:.0%} |" for t in prof["top"]]
        lines += [""]
    elif prof.get("note"):
        lines += [f"Profile: {prof['note']}.", ""]
    return lines


def _publish(r, s, charts_dir) -> list[str]:
    if not r:
        return []
    lines = ["## 2. Publish path", ""]
    http = r.get("http")
    if http:
        sales, bare = http["sales"], http["bare"]
        ratio = _ratio(sales["rate"], bare["rate"])
        lines += ["POST /api/sales of the e-commerce service (validation, household and enrolment checks against the "
                  "local read model, the sale and its event in one write) under gunicorn with the default "
                  "settings (`deploy/gunicorn.conf.py`: 2 workers × 4 threads), against a bare Flask endpoint "
                  f"that answers at once under the same gunicorn; {http['sales']['threads']} client threads, "
                  f"at most {s['hammer_seconds']} s each.", "",
                  "| | requests | seconds | requests/s | p50 ms | p99 ms | ratio |", "|---|---:|---:|---:|---:|---:|---:|",
                  f"| bare Flask (baseline) | {bare['requests']:,} | {_r(bare['seconds'], 1)} | {_r(bare['rate'])} | "
                  f"{_r(bare['p50_ms'], 1)} | {_r(bare['p99_ms'], 1)} | |",
                  f"| **POST /api/sales** | {sales['requests']:,} | {_r(sales['seconds'], 1)} | **{_r(sales['rate'])}** | "
                  f"{_r(sales['p50_ms'], 1)} | {_r(sales['p99_ms'], 1)} | **{_r(ratio, 3)}** |", ""]
        if sales["failed"] or bare["failed"]:
            lines += [f"Failed requests: sales {sales['failed']}, bare {bare['failed']}.", ""]
    relay = r.get("relay")
    if relay:
        ratio = _ratio(relay["relay"]["steady_rate"], relay["produce"]["rate"])
        lines += [f"The e-commerce outbox relay publishing {relay['events']:,} queued events (one outbox document "
                  "each, as the API writes them) against kafka-python producing the same envelopes with the same "
                  "producer settings (idempotent, acks=all):", "",
                  "| | events | seconds | events/s | ratio |", "|---|---:|---:|---:|---:|",
                  f"| kafka-python produce (baseline) | {relay['events']:,} | {_r(relay['produce']['seconds'], 1)} | "
                  f"{_r(relay['produce']['rate'])} | |",
                  f"| **relay** | {relay['published']:,} | {_r(relay['relay']['seconds'], 1)} | "
                  f"**{_r(relay['relay']['steady_rate'])}** | **{_r(ratio, 3)}** |", ""]
    rows = []
    if http:
        rows += [("bare Flask, req/s", http["bare"]["rate"]), ("POST /api/sales, req/s", http["sales"]["rate"])]
    if relay:
        rows += [("kafka-python produce, ev/s", relay["produce"]["rate"]), ("outbox relay, ev/s", relay["relay"]["steady_rate"])]
    if rows:
        (charts_dir / "publish.svg").write_text(charts.bars("Publish path", "/s", rows))
        lines += ["![publish](benchmarks/publish.svg)", ""]
    lat = r.get("latency")
    if lat:
        met = lat["p99_ms"] is not None and lat["p99_ms"] < 1000 and not lat["missing"]
        lines += ["## 3. End-to-end latency", "",
                  f"Sales posted at a steady {lat['rate_asked']:g} requests/s for {lat['seconds']:g} s; for each, the "
                  "time from its write (the sale's `recorded_at`, taken by the service just before its atomic write "
                  "of the sale and its event) to its event on the consolidated stream: the registry consumer "
                  "applied it (summary, history, statistics) and published what it accepted in the poll's Kafka "
                  "transaction. This bounds \"written → in the registry history\" from above (one relay hop, "
                  "polling every 100 ms here, and the consumer's poll). Both clocks are this host's wall clock.", "",
                  "| from | requests | measured | missing | late slots | p50 ms | p95 ms | p99 ms | max ms |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
                  f"| **the write** | {lat['requests']:,} | {lat['measured']:,} | {lat['missing']} | {lat['late']} | "
                  f"{_r(lat['p50_ms'])} | {_r(lat['p95_ms'])} | {_r(lat['p99_ms'])} | {_r(lat['max_ms'])} |"]
        for key, label in (("from_request", "the request sent"), ("from_response", "the HTTP response")):
            if lat.get(key):
                f = lat[key]
                lines.append(f"| {label} | | | | | {_r(f['p50_ms'])} | {_r(f['p95_ms'])} | {_r(f['p99_ms'])} | "
                             f"{_r(f['max_ms'])} |")
        lines += ["", "The HTTP response leaves after the request's audit-log append (an `after_request` hook, after "
                  "the sale is written), so the event can be on the stream before the client has its answer: "
                  "\"from the HTTP response\" can be negative, and is shown as measured. Write → response, p50: "
                  f"{_r(lat.get('write_to_response_p50_ms'))} ms.", "",
                  f"Target: p99 under 1 s — {'met' if met else 'not met'} in this run.", ""]
    return lines


def _memory(result) -> list[str]:
    peaks = {}
    for part in ("ingest", "publish"):
        for kind, peak in ((result.get(part) or {}).get("memory") or {}).items():
            peaks[kind] = max(peak, peaks.get(kind, 0))
    if not peaks:
        return []
    lines = ["## 4. Memory", "", "Peak resident memory of each process type during 1–3 (from /proc, sampled every "
             "0.2 s; a gunicorn figure is the master and its workers together).", "",
             "| process | peak RSS |", "|---|---:|"]
    lines += [f"| {kind} | {_mb(peak)} |" for kind, peak in sorted(peaks.items())]
    return lines + [""]


def _scale(r, charts_dir) -> list[str]:
    if not r or not r.get("runs"):
        return []
    runs = r["runs"]
    # The whole run's rate (group join included): a worker commits once per poll of up to
    # INGEST_POLL_RECORDS, so over a few thousand events "first progress to the end" spans one
    # or two commits and says nothing.
    base = runs[0]["rate"]
    lines = ["## 5. Scale-out", "", "The same events on 6-partition topics, applied by 1, 2 and 3 registry workers "
             "of one consumer group; rates over the whole run, the group's join included.", "",
             "| workers | events | events/s | speed-up | worker CPU s (all workers) | store CPU s | all applied |",
             "|---:|---:|---:|---:|---:|---:|---|"]
    for run in runs:
        lines.append(f"| {run['workers']} | {run['events']:,} | {_r(run['rate'])} | {_r(_ratio(run['rate'], base), 2)} | "
                     f"{run['worker_cpu_seconds']} | {run['store_cpu_seconds']} | {'yes' if run['verify']['ok'] else 'no'} |")
    (charts_dir / "scale-out.svg").write_text(charts.bars("Registry ingest by workers", "events/s",
                                                          [(f"{run['workers']} worker(s)", run["rate"]) for run in runs]))
    return lines + ["", "![scale-out](benchmarks/scale-out.svg)", ""]


def _reads(r, charts_dir) -> list[str]:
    if not r or not r.get("sets"):
        return []
    sets = r["sets"]
    names = list(sets[-1]["reads"])
    lines = ["## 6. Reads at size", "",
             "The registry web under gunicorn (default settings) on a store holding each data set below: households "
             "with their summaries, ~10 history entries each, the area statistics and names, as the consumer leaves "
             "them (`bench/reads_data.py`). One client, one request after another, a random household, name or "
             "county each time; times are the client's, from request to full answer. Target: p99 under 100 ms "
             "for each read at 1,000,000 households and 10,000,000 entries.", "",
             "| data set | load | documents/s | " + " | ".join(names) + " |",
             "|---|---|---:|" + "---:|" * len(names)]
    for s in sets:
        load = s.get("load") or {}
        how = "reused" if load.get("reused") else f"{_r(load.get('seconds'))} s"
        cells = []
        for name in names:
            f = s["reads"].get(name)
            failed = f", {f['failed']} failed" if f and f.get("failed") else ""
            cells.append("–" if not f else f"{_r(f['p50_ms'], 1)} / **{_r(f['p99_ms'], 1)}** ({f['requests']}{failed})")
        lines.append(f"| {s['households']:,} households, {s['history']:,} entries | {how} | {_r(load.get('rate'))} | "
                     + " | ".join(cells) + " |")
    lines += ["", "Each cell: p50 / **p99** ms (requests measured). A load's rate counts every document written "
              "(households, entries, statistics, areas) over the whole load, indexes included; \"reused\" means the "
              "set was loaded by an earlier run and kept in the cache.", ""]
    last = sets[-1]
    if all("web_cpu_ms" in f for f in last["reads"].values()):
        lines += [f"CPU per request at {last['households']:,} households (from /proc, while the reads above ran): "
                  "where the time of a slow read goes.", "", "| read | p50 ms | web CPU ms | store CPU ms |",
                  "|---|---:|---:|---:|"]
        lines += [f"| {name} | {_r(f['p50_ms'], 1)} | {_r(f['web_cpu_ms'], 1)} | {_r(f['store_cpu_ms'], 1)} |"
                  for name, f in last["reads"].items()]
        lines.append("")
    checks = last.get("store") or {}
    search = checks.get("name search") or {}
    if search:
        lines += [f"At {last['households']:,} households, the store's own view of a name search "
                  f"(`county_code` = …, `head_name` ^…, sorted by county, name and id, 50 per page): {search.get('matching', 0):,} "
                  f"matching files; the page's query {_r(search.get('find_ms'), 1)} ms, the count "
                  f"{_r(search.get('count_ms'), 1)} ms; pushed down to SQLite: "
                  + ", ".join(f"{k} {v}" for k, v in search.items() if k.endswith("Pushdown")) + ".", ""]
    profiles = {k: v for k, v in (last.get("profiles") or {}).items() if v.get("top")}
    if profiles:
        lines += [f"Where the registry web's time goes in the reads slower than 100 ms at p99 (py-spy on its gunicorn "
                  f"workers, {last['households']:,} households; share of the samples of a busy thread by the layer of "
                  "their innermost frame; py-spy leaves out most of a thread's waiting on a socket, so the store's "
                  "share is in the table above):", ""]
        for name, prof in profiles.items():
            shares = "; ".join(f"{layer} {share:.0%}" for layer, share in (prof.get("layers") or {}).items())
            lines.append(f"- **{name}** ({prof['samples']:,} samples): {shares}")
        lines.append("")
    rows = [(f"{name}", (last["reads"][name]["p99_ms"] or 0)) for name in names if last["reads"].get(name)]
    (charts_dir / "reads.svg").write_text(charts.bars(
        f"Read p99 at {last['households']:,} households, {last['history']:,} entries", "ms", rows))
    lines += ["![reads](benchmarks/reads.svg)", ""]
    return lines


BEFORE = Path(__file__).resolve().parent / "before-issue-15.json"   # the figures of record before issue 15


def _write_paths(r: dict) -> dict:
    """(absolute figure, baseline, ratio) of each write path of issue 15, from one run's figures."""
    paths = {}
    ingest, publish = r.get("ingest") or {}, r.get("publish") or {}
    if "registry" in ingest:
        store = ingest["raw_store"]["rate"]
        paths["registry ingest, one worker (events/s vs bulk insert)"] = (ingest["registry"]["steady_rate"], store)
        if ingest.get("rebuild"):
            paths["rebuild (events/s vs bulk insert)"] = (ingest["rebuild"]["rate"], store)
    relay = publish.get("relay") or {}
    if relay.get("relay"):
        paths["outbox relay (events/s vs raw produce)"] = (relay["relay"]["steady_rate"], relay["produce"]["rate"])
    http = publish.get("http") or {}
    if http.get("sales") and http.get("bare"):
        paths["POST /api/sales (req/s vs bare Flask)"] = (http["sales"]["rate"], http["bare"]["rate"])
    return {name: (value, base, _ratio(value, base)) for name, (value, base) in paths.items()}


def _before_after(result: dict) -> list[str]:
    if not BEFORE.exists():
        return []
    before = json.loads(BEFORE.read_text())
    then, now = _write_paths(before), _write_paths(result)
    if not now:
        return []
    lines = ["## Before and after (issue 15: the write paths)", "",
             f"Before: the run of record of {before['machine']['date'][:10]} (`bench/before-issue-15.json`); after: "
             "this run. Each ratio is against its baseline in the same run, so the two columns can be compared "
             "though the machine's hour differs.", "",
             "| path | before | ratio before | now | ratio now | target |", "|---|---:|---:|---:|---:|---:|"]
    targets = {"registry": "0.5", "rebuild": "0.5", "outbox": "0.5", "POST": "0.3"}
    for name, (value, base, ratio) in now.items():
        old = then.get(name)
        target = next((t for k, t in targets.items() if name.startswith(k)), "")
        lines.append(f"| {name} | {f'{_r(old[0])} / {_r(old[1])}' if old else 'not measured'} | "
                     f"{_r(old[2], 3) if old else ''} | {_r(value)} / {_r(base)} | **{_r(ratio, 3)}** | {target} |")
    lat_then, lat_now = (before.get("publish") or {}).get("latency"), (result.get("publish") or {}).get("latency")
    if lat_now:
        was = f"{_r(lat_then['p99_ms'])} ms at {lat_then['rate_asked']}/s" if lat_then else "not measured"
        lines.append(f"| end to end, write → stream, p99 | {was} | | "
                     f"{_r(lat_now.get('p99_ms'))} ms at {lat_now.get('rate_asked')}/s | | < 1,000 ms at 100/s |")
    return lines + [""]
