"""Figure 6: reads at size. The registry's read endpoints under gunicorn (the default
settings) on a store holding a data set of a given size (bench/reads_data.py), one client
asking one request after another: p50/p99 of a household's file, its timeline, a search by
name in a county, a county's dashboard and a page of the consolidated feed.

Each data set lives in a store data folder of its own, served by its own FerretDB process
(started here on a free port) so that a set loaded once is reused by later runs; the feed
reads the run's Kafka (its stream topic is filled here, see ``fill_feed``)."""
from __future__ import annotations

import json
import os
import random
import socket
import time
from pathlib import Path
from urllib.parse import quote

import requests

from bench import reads_data, workload
from bench.context import BenchContext, cpu_seconds
from bench.load import percentile
from bench.profile import Profiler
from bench.publish import WebSetup, end_offsets
from deploy.local import stack
from shared.auth.store import AuthStore
from shared.events.envelope import Envelope
from shared.events.types.registry import ASSISTANCE_RECORDED
from shared.kafka.producer import make_producer, send_envelope
from shared.config import Settings
from shared.store import auth_db, make_client
from services.registry.adapters.households import HIDDEN, SEARCH_ORDER
from services.registry.adapters.persons import IdProtection
from services.registry.adapters.stats import Stats
from services.registry.adapters.stream_reader import encode_cursor

PASSWORD = "bench-password-1"
SLOW_MS = 100          # the target: a read slower than this at p99 is profiled…
PROFILE_MAX_MS = 5000  # …unless one request takes longer than this
FEED_PARTITIONS = 3


class SetStore:
    """A FerretDB serving one data set's folder, on a free port of 127.0.0.1."""

    def __init__(self, folder: Path, niced: bool = False):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        info = stack.start_one(self.folder, "ferretdb", port=_free_port())
        self.url = info["uri"].rstrip("/")
        self.pid = info["pid"]
        if niced:
            _renice_all(self.pid, reads_data.NICE)

    def stop(self) -> None:
        stack.stop_one(self.folder, "ferretdb")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _renice_all(pid: int, nice: int) -> None:
    """Every thread of ``pid`` (Linux priorities are per thread; new ones inherit)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            os.setpriority(os.PRIO_PROCESS, int(task.name), nice)
        except OSError:
            pass


def prepare(dataset: reads_data.DataSet, root: Path, log=print) -> tuple[Path, dict]:
    """The set's folder, loaded now if it is not yet (the store at a lower priority), and
    the record of its load."""
    folder = reads_data.folder_for(dataset, root)
    record = reads_data.load_record(folder)
    if record:
        return folder, {**record, "reused": True}
    reads_data.discard_partial(folder)
    log(f"bench:   reads: loading {dataset.households:,} households and {dataset.history:,} history entries "
        f"into {folder}")
    store = SetStore(folder, niced=True)
    try:
        settings = _settings(store.url)
        client = make_client(settings)
        try:
            record = reads_data.load(client[settings.database_name], dataset, IdProtection(settings), log=log)
        finally:
            client.close()
    finally:
        store.stop()
    (folder / "loaded.json").write_text(json.dumps(record, indent=1) + "\n")
    return folder, {**record, "reused": False}


def upgrade(mongo_url: str, log=print) -> None:
    """Bring a set loaded by an earlier release to this one's shape, as the registry's
    consumer does when it starts (its web builds the indexes and area sums itself)."""
    settings = _settings(mongo_url)
    client = make_client(settings)
    try:
        upgraded = Stats(client[settings.database_name]).upgrade()
        if upgraded:
            log(f"bench:   reads: statistics upgraded ({upgraded['folded']:,} counter documents folded, "
                f"{upgraded['totalled']:,} area totals made)")
    finally:
        client.close()


def _settings(mongo_url: str) -> Settings:
    return Settings.from_env("registry", {"MONGO_URL": mongo_url, "JINGZHUN_DB_PREFIX": reads_data.DB_PREFIX,
                                          "SECRET_KEY": reads_data.SECRET_KEY})


def measure(dataset: reads_data.DataSet, folder: Path, run_dir: Path, port: int, requests_per_read: int,
            seconds_per_read: float, feed_entries: int, profile: bool = True, log=print) -> dict:
    store = SetStore(folder)
    ctx = None
    try:
        upgrade(store.url, log)
        ctx = BenchContext(run_dir, "rd", extra_env={
            "MONGO_URL": store.url, "JINGZHUN_DB_PREFIX": reads_data.DB_PREFIX, "SECRET_KEY": reads_data.SECRET_KEY,
            "HOST": "127.0.0.1", "REGISTRY_PORT": str(port)})
        ctx.ensure_topics(partitions=FEED_PARTITIONS)
        feed = fill_feed(ctx, dataset, min(feed_entries, dataset.history))
        store_auth = AuthStore(auth_db(ctx.mongo, ctx.settings("registry")))
        store_auth.upsert_user("central", PASSWORD, "central", None, None)
        headers = {"Authorization": f"Bearer {store_auth.issue_token('central', 'bench-reads')}"}
        registry = ctx.start("registry", kind="gunicorn (registry)")
        try:
            WebSetup._wait_http(port, timeout=120)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n--- registry:\n{ctx.procs.log_tail('registry', 20)}") from None
        base = f"http://127.0.0.1:{port}"
        out = {"households": dataset.households, "history": dataset.history, "feed_entries": feed["entries"],
               "feed_produce_rate": feed["rate"], "reads": {}}
        session = requests.Session()
        paths = reads(dataset, feed["ends"])
        for name, path_for in paths.items():
            # CPU used meanwhile by the web (gunicorn and its workers) and by the store: what
            # is not either is waiting (on Kafka for the feed) or the client.
            web_cpu, store_cpu = cpu_seconds(registry.pid), cpu_seconds(store.pid)
            figures = timed(session, base, headers, path_for, requests_per_read, seconds_per_read)
            done = max(figures["requests"] + figures["failed"] + 1, 1)   # +1: the warm-up
            figures["web_cpu_ms"] = _ms((cpu_seconds(registry.pid) - web_cpu) / done)
            figures["store_cpu_ms"] = _ms((cpu_seconds(store.pid) - store_cpu) / done)
            out["reads"][name] = figures
            log(f"bench:   reads {dataset.key} {name}: {figures}")
        if profile:
            out["profiles"] = {}
            for name, figures in out["reads"].items():
                # Where a slow read's time goes, after the timing; one of many seconds is
                # profiled at a smaller size (the cause is the same, the run stays bounded).
                if SLOW_MS < (figures["p99_ms"] or 0) and (figures["p50_ms"] or 0) < PROFILE_MAX_MS:
                    profiler = Profiler(registry.pid, run_dir / f"py-spy-{len(out['profiles'])}.txt", subprocesses=True)
                    timed(session, base, headers, paths[name], requests_per_read, min(seconds_per_read, 5), warm=False)
                    out["profiles"][name] = profiler.stop()
        out["store"] = store_checks(ctx.db("registry"))
        out["memory"] = dict(ctx.memory.peaks)
        return out
    finally:
        if ctx is not None:
            ctx.close()
        store.stop()


def reads(dataset: reads_data.DataSet, feed_ends: dict) -> dict:
    """Each read's path for a random draw (households, names and counties of the loaded set)."""
    def household(rng):
        return workload.household_id(rng.randrange(dataset.households))

    def person(rng):
        i = rng.randrange(dataset.households)
        return workload.village_code(i)[:6], workload.household_fields(i)["members"][0]["name"]

    def cursor(rng):
        return encode_cursor({p: rng.randrange(max(end - 50, 1)) for p, end in feed_ends.items()})

    return {
        "household file": lambda rng: f"/api/households/{household(rng)}",
        "household timeline": lambda rng: f"/api/households/{household(rng)}/history",
        "name search in a county": lambda rng: "/api/households?area={}&q={}".format(*map(quote, person(rng))),
        "surname search in a county": lambda rng: "/api/households?area={}&q={}".format(
            quote(person(rng)[0]), quote(person(rng)[1][0])),
        "county dashboard": lambda rng: f"/api/dashboard/{rng.choice(workload.COUNTIES)}",
        "feed page (API, 50)": lambda rng: f"/api/feed?limit=50&cursor={cursor(rng)}",
        "feed page (UI, latest 50)": lambda rng: "/feed",
    }


def timed(session, base: str, headers: dict, path_for, count: int, seconds: float, warm: bool = True,
          timeout: float = 180) -> dict:
    """One request after another: a first one to warm up (not counted, unless it alone took
    the whole time: at size a read can take many seconds), then up to ``count`` requests or
    ``seconds``, whichever comes first. A request that fails or times out is counted apart."""
    rng = random.Random(6)
    latencies, failures, started = [], [], time.monotonic()

    def one():
        path = path_for(rng)
        t0 = time.perf_counter()
        try:
            response = session.get(base + path, headers=headers, timeout=timeout)
            ok, why = response.status_code == 200, f"{response.status_code} {response.text[:200]}"
        except requests.RequestException as exc:
            ok, why = False, f"{exc.__class__.__name__}: {str(exc)[:200]}"
        took = time.perf_counter() - t0
        if ok:
            return took
        failures.append(f"GET {path}: {why}")
        return None

    if warm:
        first = one()
        if first is not None and first > seconds:
            latencies.append(first)
        started = time.monotonic()
    while len(latencies) < count and time.monotonic() - started < seconds and len(failures) <= 5:
        took = one()
        if took is not None:
            latencies.append(took)
    return {"requests": len(latencies), "failed": len(failures), "failures": failures[:3],
            "p50_ms": _ms(percentile(latencies, 50)), "p99_ms": _ms(percentile(latencies, 99)),
            "max_ms": _ms(max(latencies) if latencies else None)}


def fill_feed(ctx: BenchContext, dataset: reads_data.DataSet, count: int) -> dict:
    """``count`` consolidated-stream entries (the registry's assistance.recorded, as its relay
    publishes them) on this run's stream topic, in time order. Reading a page costs the
    same however long the topic is (the broker seeks by offset), so the feed is not filled
    to the full history."""
    templates = reads_data.Templates()
    producer = make_producer(ctx.settings("registry"), client_id="bench-reads-feed")
    started = time.monotonic()
    for n in range(count):
        i = n * dataset.households // max(count, 1)
        hid = workload.household_id(i)
        at = reads_data.occurred_at(n, count)
        entry, _, program = templates.entry(n, hid, f"feed-{n}", at)
        village = workload.village_code(i)
        data = {"household_id": hid, "event_id": entry["_id"], "event_type": entry["event_type"], "program": program,
                "occurred_at": at, "title_en": entry["title_en"], "title_zh": entry["title_zh"],
                "income_fen": entry["income_fen"], "amount_fen": entry["amount_fen"], "county_code": village[:6],
                "village_code": village, "village": f"寺背{i % 40}村", "status": "identified", "data": entry["data"]}
        send_envelope(producer, ctx.topics.stream, Envelope(type=ASSISTANCE_RECORDED.type, source="registry",
                                                            subject=hid, data=data, time=at))
    producer.flush()
    rate = count / max(time.monotonic() - started, 1e-9)
    producer.close()
    return {"entries": count, "rate": round(rate), "ends": end_offsets(ctx, ctx.topics.stream)}


def store_checks(db) -> dict:
    """What the store does with the two reads that filter many rows: its explain (what was
    pushed down to SQLite) and the time of each query of a name search on its own (the
    sorted page and the count, as the registry's search asks them)."""
    county, name = workload.COUNTIES[0], workload.household_fields(0)["members"][0]["name"]
    query = {"county_code": county, "head_name": {"$regex": "^" + name}}
    order = dict(SEARCH_ORDER)
    out = {}
    for label, cmd in (("name search", {"find": "households", "filter": query, "sort": order, "limit": 50}),
                       ("timeline", {"find": "history", "filter": {"household_id": workload.household_id(0)},
                                     "sort": {"occurred_at": -1}, "limit": 500})):
        try:
            plan = db.command("explain", cmd)
            out[label] = {k: plan.get(k) for k in ("filterPushdown", "sortPushdown", "limitPushdown") if k in plan}
        except Exception as exc:  # noqa: BLE001 — the explain is a help, not a figure
            out[label] = {"explain": str(exc)[:200]}
    t0 = time.perf_counter()
    found = list(db["households"].find(query, HIDDEN).sort(SEARCH_ORDER).limit(50))
    t1 = time.perf_counter()
    total = db.command("count", "households", query=query)["n"]
    t2 = time.perf_counter()
    out["name search"].update({"matching": total, "find_ms": _ms(t1 - t0), "count_ms": _ms(t2 - t1),
                               "returned": len(found)})
    return out


def _ms(value):
    return None if value is None else round(value * 1000, 1)
