"""Figure 1: registry ingest — pre-filled program topics to applied history and summaries,
by the real ``services.registry.consumer`` process — against its two baselines in the same
run: kafka-python consuming the same topics doing nothing, and pymongo bulk-writing the same
documents (history entries, summary increments) into the store."""
from __future__ import annotations

import time
from collections import Counter

from kafka import KafkaConsumer, TopicPartition

from bench import workload
from bench.context import BenchContext, cpu_seconds
from bench.profile import Profiler
from shared import outbox
from shared.events.catalogue import CATALOGUE
from shared.kafka.producer import make_producer, send_envelope
from services.registry.adapters.events import EventApplier
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import IdProtection
from services.registry.adapters.summaries import HouseholdSummaries, summary_of
from services.registry.domain.assistance import timeline_entry

CHUNK = 5000


def prefill_store(ctx: BenchContext, items: list[tuple[str, dict]]) -> dict:
    settings = ctx.settings("registry")
    db = ctx.db("registry")
    households = HouseholdRepository(db, IdProtection(settings))
    households.ensure_indexes()
    EventApplier(db).ensure_indexes()
    started = time.monotonic()
    for start in range(0, len(items), CHUNK):
        households.create_many(items[start:start + CHUNK], by="bench")
    seconds = time.monotonic() - started
    # Files as they stand once the relay has published their creation (no relay runs here):
    # the store rewrites a whole document on each update, so unsent events left in them
    # would make every applied event dearer than in a running system.
    db["households"].update_many({outbox.FLAG_FIELD: True}, {"$set": {outbox.PENDING_FIELD: [], outbox.FLAG_FIELD: False}})
    db.drop_collection(outbox.MARKS)  # not delete_many: the local store refuses to delete > 32,766 at once
    return {"households": len(items), "seconds": seconds}


def produce(ctx: BenchContext, events: list) -> dict:
    """Fill the program topics with kafka-python and the project's producer settings
    (idempotent, acks=all): also the raw produce rate the relay is compared with."""
    producer = make_producer(ctx.settings("registry"), client_id="bench-produce")
    started = time.monotonic()
    for program, envelope in events:
        send_envelope(producer, ctx.topics.program(program), envelope)
    producer.flush()
    seconds = time.monotonic() - started
    producer.close()
    return {"events": len(events), "seconds": seconds, "rate": len(events) / seconds}


def _partitions(consumer, topics):
    return [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or [])]


def raw_consume(ctx: BenchContext, programs: list[str], total: int) -> dict:
    """Read every record of the topics and do nothing with it (the consumer's own settings)."""
    topics = [ctx.topics.program(p) for p in programs]
    started = time.monotonic()
    consumer = KafkaConsumer(bootstrap_servers=ctx.env["KAFKA_BOOTSTRAP_SERVERS"], group_id=None,
                             enable_auto_commit=False, max_poll_records=500, isolation_level="read_committed")
    consumer.assign(_partitions(consumer, topics))
    consumer.seek_to_beginning()
    seen, first = 0, None
    deadline = started + 600
    while seen < total and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            if first is None:
                first = time.monotonic()
            seen += len(records)
    done = time.monotonic()
    consumer.close()
    return {"events": seen, "seconds": done - started, "rate": seen / (done - started),
            "steady_rate": seen / max(done - (first or started), 1e-9)}


def raw_store(ctx: BenchContext, events: list, batch: int = 500) -> dict:
    """The history entries the registry writes for these events, inserted by pymongo bulk
    writes (``insert_many``, 500 a command) into a database of their own.

    Inserts only: what the registry's write pattern is compared with (appends in batches)."""
    db = ctx.mongo[f"{ctx.prefix}_raw"]
    entries = [timeline_entry(envelope, CATALOGUE.get(envelope.type)) for _, envelope in events]
    started = time.monotonic()
    for start in range(0, len(entries), batch):
        db["history"].insert_many(entries[start:start + batch], ordered=False)
    seconds = time.monotonic() - started
    return {"events": len(entries), "seconds": seconds, "rate": len(entries) / seconds}


def committed(ctx: BenchContext, group: str, programs: list[str]) -> int:
    consumer = KafkaConsumer(bootstrap_servers=ctx.env["KAFKA_BOOTSTRAP_SERVERS"], group_id=group,
                             enable_auto_commit=False)
    try:
        return sum(consumer.committed(tp) or 0 for tp in _partitions(consumer, [ctx.topics.program(p) for p in programs]))
    finally:
        consumer.close(autocommit=False)


def registry_ingest(ctx: BenchContext, programs: list[str], total: int, workers: int = 1,
                    profile_to=None, timeout: float = 1500) -> dict:
    """Start ``workers`` registry consumer processes (one group) and wait until the group has
    committed every record. Rate over the whole run and over the steady part (first
    progress to the end), with the CPU time the workers and the store used."""
    group = ctx.settings("registry").consumer_group
    names = [f"registry-consumer{'' if i == 0 else '-' + str(i)}" for i in range(workers)]
    if workers > 1:
        ctx.procs.commands.update({n: ctx.procs.commands["registry-consumer"] for n in names})
    store_pid = _store_pid()
    store_cpu = cpu_seconds(store_pid) if store_pid else 0.0
    started = time.monotonic()
    procs = [ctx.start(n, kind="registry-consumer") for n in names]
    profiler = Profiler(procs[0].pid, profile_to) if profile_to else None
    samples, done = [], 0
    worker_cpu = {}
    try:
        while done < total and time.monotonic() - started < timeout:
            time.sleep(0.5)
            done = committed(ctx, group, programs)
            samples.append((round(time.monotonic() - started, 2), done))
            worker_cpu = {p.pid: cpu_seconds(p.pid) for p in procs if p.poll() is None}
            if any(p.poll() is not None for p in procs):
                raise RuntimeError(f"a registry consumer stopped: {ctx.procs.log_tail(names[0])}")
    finally:
        hot = profiler.stop() if profiler else None
        elapsed = time.monotonic() - started
        for n in names:
            ctx.stop(n)
    store_cpu = (cpu_seconds(store_pid) - store_cpu) if store_pid else None
    first = next(((t, n) for t, n in samples if n > 0), (elapsed, 0))
    steady_s = max(samples[-1][0] - first[0], 0.5) if samples else elapsed
    steady_n = (samples[-1][1] - first[1]) if samples else 0
    return {"workers": workers, "events": done, "seconds": elapsed, "rate": done / elapsed,
            "steady_rate": steady_n / steady_s if steady_n else done / elapsed,
            "worker_cpu_seconds": round(sum(worker_cpu.values()), 2),
            "store_cpu_seconds": round(store_cpu, 2) if store_cpu is not None else None,
            "samples": samples, "profile": hot}


def _store_pid() -> int | None:
    """The FerretDB process serving MONGO_URL (for its CPU time), if it is on this machine."""
    import os
    from pathlib import Path
    port = os.environ["MONGO_URL"].rsplit(":", 1)[-1].strip("/")
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"ferretdb" in cmd and port.encode() in cmd:
                return int(proc.name)
    return None


def verify(ctx: BenchContext, events: list, sample: int = 200) -> dict:
    """Every event in the history once, in the area statistics once, and in its household's
    summary (checked for a sample of households, read by _id: a $group over every household
    scans the whole collection on the local store)."""
    db = ctx.db("registry")
    history = db["history"].estimated_document_count()
    programs = sorted({program for program, _ in events})
    stats_events = sum(doc.get("events", 0) for doc in db["stats"].find(
        {"level": "county", "group": {"$in": programs}}, {"events": 1}))
    per_household = Counter(e.subject for _, e in events)
    checked = sorted(per_household)[:sample]
    stored = HouseholdSummaries(db).read_many(checked)
    wrong = [hid for hid in checked if summary_of(stored.get(hid))["events"] != per_household[hid]]
    return {"history_entries": history, "statistics_events": stats_events, "expected": len(events),
            "households_touched": len(per_household), "summaries_checked": len(checked),
            "summaries_wrong": len(wrong),
            "ok": history == len(events) == stats_events and not wrong}


def rebuild(ctx: BenchContext, events: list) -> dict:
    """``python -m services.registry.rebuild``'s replay of the program topics into fresh
    collections (the same batched applier as the consumer), timed from its start to the end of
    the program phase. The bench writes the files straight into the store, so its registry topic
    is empty: the files are copied into the fresh database first (not timed)."""
    from services.registry.rebuild import rebuild as replay
    live = ctx.db("registry")

    def seed(db):
        batch = []
        for doc in live["households"].find({}):
            batch.append(doc)
            if len(batch) == CHUNK:
                db["households"].insert_many(batch)
                batch = []
        if batch:
            db["households"].insert_many(batch)

    counts = replay(ctx.settings("registry"), f"{ctx.prefix}rb", say=lambda _: None, seed=seed)
    programs = counts["programs"]
    return {"events": programs["records"], "seconds": programs["seconds"],
            "rate": programs["records"] / max(programs["seconds"], 1e-9), "expected": len(events)}
