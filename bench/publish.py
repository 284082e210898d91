"""Figures 2 and 3: the publish path and end-to-end latency.

- The e-commerce service's main write (POST /api/sales) under gunicorn at the default
  worker count, against a bare Flask endpoint under the same gunicorn settings.
- The e-commerce outbox relay's publish rate against kafka-python's produce rate (the same
  events, the project's producer settings).
- A sale's write → the registry applied it: seen on the consolidated stream, which the
  registry writes in the same atomic write as the household's summary (its relay adds up to
  RELAY_INTERVAL_MS). An upper bound of "written → in the registry history".

  The clock starts at the sale's ``recorded_at`` (the service's wall clock on this host, the
  moment before its atomic write), not at the HTTP response: the response leaves only after
  the request's audit-log append (an ``after_request`` hook), so on a loaded store the event
  was often on the stream before the response arrived, and "response → stream" came out
  negative (p50 −474 ms in one run). That figure is still reported, as it is."""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone

import requests
from kafka import KafkaConsumer, TopicPartition

from bench import workload
from bench.context import BenchContext
from bench.load import hammer, percentile, steady
from shared import outbox
from shared.auth.store import AuthStore
from shared.kafka.producer import make_producer, send_envelope
from shared.store import auth_db
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import IdProtection

PASSWORD = "bench-password-1"


def end_offsets(ctx: BenchContext, topic: str) -> dict[int, int]:
    """{partition: end offset} of a topic."""
    consumer = KafkaConsumer(bootstrap_servers=ctx.env["KAFKA_BOOTSTRAP_SERVERS"], group_id=None)
    try:
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


def end_offset_sum(ctx: BenchContext, topic: str) -> int:
    return sum(end_offsets(ctx, topic).values())


def relay_vs_produce(ctx: BenchContext, count: int, timeout: float = 600) -> dict:
    """``count`` sale events queued in e-commerce's outbox (one document each, as the API
    writes them), then published by the real relay process; the same envelopes produced
    by kafka-python straight to another topic."""
    events = workload.events([workload.household_id(i) for i in range(max(count // 4, 1))], count, seed=3)
    db = ctx.db("ecommerce")
    for start in range(0, count, 2000):
        outbox.insert_many(db["sales"], [({"_id": f"R{start + i}", "bench": True}, [env.to_dict()])
                                         for i, (_, env) in enumerate(events[start:start + 2000])])
    producer = make_producer(ctx.settings("ecommerce"), client_id="bench-raw")
    started = time.monotonic()
    for _, envelope in events:
        send_envelope(producer, ctx.topics.program("tourism"), envelope)
    producer.flush()
    raw_s = time.monotonic() - started
    producer.close()

    topic = ctx.topics.program("ecommerce")
    started = time.monotonic()
    ctx.start("ecommerce-relay", kind="relay")
    first, done = None, 0
    while done < count and time.monotonic() - started < timeout:
        time.sleep(0.25)
        done = end_offset_sum(ctx, topic)
        if done and first is None:
            first = (time.monotonic(), done)
    elapsed = time.monotonic() - started
    ctx.stop("ecommerce-relay")
    steady_s = max(elapsed - (first[0] - started), 0.25) if first else elapsed
    relay_steady = (done - first[1]) / steady_s if first and done > first[1] else done / elapsed
    return {"events": count, "published": done,
            "relay": {"seconds": elapsed, "rate": done / elapsed, "steady_rate": relay_steady},
            "produce": {"seconds": raw_s, "rate": count / raw_s}}


class WebSetup:
    """A small e-commerce world: households in the registry, relayed to e-commerce's read
    model by the real processes, enrolled through the API; a central user's token."""

    def __init__(self, ctx: BenchContext, households: int, port_base: int):
        self.ctx = ctx
        self.ecommerce_port = port_base
        self.bare_port = port_base + 1
        ctx.env.update({"HOST": "127.0.0.1", "ECOMMERCE_PORT": str(self.ecommerce_port), "RELAY_INTERVAL_MS": "100"})
        ctx.procs.env.update(ctx.env)
        self.ids = [workload.household_id(i) for i in range(households)]
        settings = ctx.settings("registry")
        HouseholdRepository(ctx.db("registry"), IdProtection(settings)).create_many(workload.households(households), by="bench")
        store = AuthStore(auth_db(ctx.mongo, settings))
        store.upsert_user("central", PASSWORD, "central", None, None)
        self.headers = {"Authorization": f"Bearer {store.issue_token('central', 'bench')}"}

    def start(self, timeout: float = 300) -> None:
        ctx = self.ctx
        ctx.start("registry-relay", kind="relay")
        ctx.start("ecommerce-households", kind="read-model")
        ctx.start("ecommerce", kind="gunicorn (e-commerce)")
        ctx.start("ecommerce-relay", kind="relay")
        read_model = ctx.db("ecommerce")["households"]
        deadline = time.monotonic() + timeout
        while read_model.estimated_document_count() < len(self.ids):
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {name}:\n{ctx.procs.log_tail(name, 15)}"
                                 for name in ("registry-relay", "ecommerce-households"))
                raise RuntimeError(f"{read_model.estimated_document_count()} of {len(self.ids)} households reached "
                                   f"e-commerce's read model in {timeout:.0f} s\n{logs}")
            time.sleep(0.5)
        self._wait_http(self.ecommerce_port)
        session = requests.Session()
        for hid in self.ids:
            r = session.post(self.url("/api/enrolments"), json={"household_id": hid}, headers=self.headers, timeout=30)
            if r.status_code not in (200, 201, 409):
                raise RuntimeError(f"enrolment refused: {r.status_code} {r.text[:300]}")

    def url(self, path: str, port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.ecommerce_port}{path}"

    def sale(self, n: int) -> dict:
        data = workload._sale(self.ids[n % len(self.ids)], n)
        data["sold_on"] = "2026-01-10"
        return {k: v for k, v in data.items() if k not in ("recorded_by", "sale_id")}

    def start_bare(self) -> None:
        self.ctx.procs.commands["bare-web"] = (
            "gunicorn -c deploy/gunicorn.conf.py --bind $HOST:$BARE_PORT 'bench.bare_app:create_app()'")
        self.ctx.start("bare-web", kind="gunicorn (bare Flask)", extra_env={"BARE_PORT": str(self.bare_port)})
        self._wait_http(self.bare_port)

    @staticmethod
    def _wait_http(port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"nothing answers on port {port}")


def web_vs_bare(web: WebSetup, count: int, seconds: float, threads: int) -> dict:
    sales = hammer(web.url("/api/sales"), web.sale, web.headers, count, seconds, threads)
    web.start_bare()
    bare = hammer(web.url("/api/sales", web.bare_port), web.sale, web.headers, count, seconds, threads)
    web.ctx.stop("bare-web")
    return {"sales": sales, "bare": bare}


def latency(web: WebSetup, rate: float, seconds: float, drain: float = 30) -> dict:
    """Sales at a steady rate; for each, from its HTTP response to its event on the
    consolidated stream (the registry consumer and both relays running)."""
    ctx = web.ctx
    ctx.start("registry-consumer")
    seen: dict = {}
    answered: dict = {}
    stop = threading.Event()
    # As the stream's readers do: an event counts once its poll's transaction committed.
    consumer = KafkaConsumer(bootstrap_servers=ctx.env["KAFKA_BOOTSTRAP_SERVERS"], group_id=None,
                             enable_auto_commit=False, isolation_level="read_committed")
    tps = [TopicPartition(ctx.topics.stream, p) for p in consumer.partitions_for_topic(ctx.topics.stream) or []]
    consumer.assign(tps)
    consumer.seek_to_end()
    for tp in tps:
        consumer.position(tp)

    def tail():
        while not stop.is_set():
            for records in consumer.poll(timeout_ms=100).values():
                now = time.time()
                for record in records:
                    try:
                        sale_id = json.loads(record.value)["data"].get("sale_id")
                    except (ValueError, KeyError, AttributeError, TypeError):
                        continue
                    if sale_id:
                        seen.setdefault(sale_id, now)

    tailer = threading.Thread(target=tail, daemon=True)
    tailer.start()
    warm = _warm(web)
    deadline = time.monotonic() + 180
    while warm not in seen and time.monotonic() < deadline:
        time.sleep(0.2)

    def on_response(n, sent, at, response):
        sale = response.json()
        answered[sale["id"]] = (sent, wall_seconds(sale["recorded_at"]), at)

    load = steady(web.url("/api/sales"), web.sale, web.headers, rate, seconds, on_response)
    deadline = time.monotonic() + drain
    while time.monotonic() < deadline and not set(answered) <= set(seen):
        time.sleep(0.2)
    stop.set()
    tailer.join(5)
    consumer.close()
    ctx.stop("registry-consumer")
    return {**load, **latency_figures(answered, seen)}


def wall_seconds(iso: str) -> float:
    """A timestamp as the API gives it (the store keeps UTC, naive when read back) → epoch seconds."""
    at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).timestamp()


def latency_figures(answered: dict, seen: dict) -> dict:
    """``answered``: sale id → (request sent, sale written, response received), ``seen``:
    sale id → when its event was on the stream; all wall-clock seconds of this host.

    The headline figures run from the write (the earliest moment the event could exist);
    ``from_response`` and ``from_request`` bracket it with what a client sees."""
    measured = [s for s in answered if s in seen]

    def spread(index: int) -> dict:
        lat = [seen[s] - answered[s][index] for s in measured]
        return {"p50_ms": _ms(percentile(lat, 50)), "p95_ms": _ms(percentile(lat, 95)),
                "p99_ms": _ms(percentile(lat, 99)), "max_ms": _ms(max(lat) if lat else None)}

    response_wait = [answered[s][2] - answered[s][1] for s in answered]
    return {"measured": len(measured), "missing": len(set(answered) - set(seen)), **spread(1),
            "from_request": spread(0), "from_response": spread(2),
            "write_to_response_p50_ms": _ms(percentile(response_wait, 50))}


def _warm(web: WebSetup) -> str:
    """One sale through the whole path first (consumer joined, connections open): its id."""
    r = requests.post(web.url("/api/sales"), json=web.sale(0), headers=web.headers, timeout=30)
    if r.status_code >= 300:
        raise RuntimeError(f"a sale was refused: {r.status_code} {r.text[:300]}")
    return r.json()["id"]


def _ms(value):
    return None if value is None else round(value * 1000, 1)
