"""Rebuild the registry from the log: replay the registry topic (files, versions), then
every program topic (summaries, history, statistics) from the beginning into fresh
collections, and optionally compare with the live ones.

    python -m services.registry.rebuild --into jingzhun_rebuild [--compare]

The live database is not touched; point the services at the rebuilt one by setting
JINGZHUN_DB_PREFIX once you are satisfied."""
from __future__ import annotations

import argparse
import logging
import sys
import time

from shared.config import Settings
from shared.events.topics import Topics
from shared.kafka.consumer import ConsumerLoop
from shared.logs import configure_logging
from shared.store import make_client, service_db
from services.registry.adapters.events import EventApplier
from services.registry.consumer import make_handler

log = logging.getLogger(__name__)
COMPARED = {
    # summary, applied, warnings: kept in the file by an earlier release (now apart, below).
    "households": {"outbox": 0, "outbox_pending": 0, "outbox_rev": 0, "summary": 0, "applied": 0, "warnings": 0},
    "history": {},
    "household_summaries": {},
    "warnings": {},
    "household_versions": {},
    "stats": {},
    "area_totals": {},
}


def rebuild(settings: Settings, into_prefix: str, say=print, seed=None) -> dict:
    """``seed(db)``, if given, runs on the emptied database before the replay (the benchmark
    puts there the files its topics do not carry)."""
    target = settings.with_(db_prefix=into_prefix,
                            consumer_group=f"{settings.topic_prefix}.registry-rebuild-{int(time.time() * 1000)}")
    client = make_client(target)
    db = service_db(client, target)
    for name in COMPARED:
        db.drop_collection(name)
    if seed is not None:
        seed(db)
    applier = EventApplier(db, publish=False)
    applier.ensure_indexes()
    topics = Topics(settings.topic_prefix)
    counts = {}
    try:
        for phase, phase_topics in (("files", [topics.registry]), ("programs", topics.programs)):
            seen, started = [0], time.monotonic()

            def progress(n, seen=seen, phase=phase, started=started):
                seen[0] += n
                rate = seen[0] / max(time.monotonic() - started, 1e-9)
                say(f"  {phase}: {seen[0]} records, {rate:,.0f} a second")

            loop = ConsumerLoop(target, phase_topics, make_handler(applier, topics), deadletter=False,
                                max_poll_records=target.ingest_poll_records)
            loop.run(stop_at_end=True, progress=progress)
            seconds = time.monotonic() - started
            counts[phase] = {"records": seen[0], "not_applicable": loop.deadlettered, "seconds": round(seconds, 1)}
            say(f"{phase}: {seen[0]} records replayed in {seconds:.1f} s ({seen[0] / max(seconds, 1e-9):,.0f} a second), "
                f"{loop.deadlettered} not applicable")
    finally:
        client.close()
    return counts


def compare(client, live_db: str, rebuilt_db: str) -> dict[str, int]:
    """Number of differing documents per compared collection (0 everywhere = identical)."""
    differences = {}
    for name, hidden in COMPARED.items():
        live = {d["_id"]: d for d in client[live_db][name].find({}, hidden or None)}
        rebuilt = {d["_id"]: d for d in client[rebuilt_db][name].find({}, hidden or None)}
        keys = set(live) | set(rebuilt)
        differing = [k for k in keys if live.get(k) != rebuilt.get(k)]
        differences[name] = len(differing)
        for key in differing[:3]:
            log.warning("rebuild differs", extra={"collection": name, "id": key, "fields": sorted(
                f for f in set(live.get(key) or {}) | set(rebuilt.get(key) or {})
                if (live.get(key) or {}).get(f) != (rebuilt.get(key) or {}).get(f))})
    return differences


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.registry.rebuild")
    parser.add_argument("--into", required=True, help="database prefix to rebuild into (not the live one)")
    parser.add_argument("--compare", action="store_true", help="compare with the live database afterwards")
    args = parser.parse_args(argv)
    settings = Settings.from_env("registry")
    configure_logging("registry-rebuild", settings.log_level)
    if args.into == settings.db_prefix:
        print("refusing to rebuild into the live database", file=sys.stderr)
        return 2
    rebuild(settings, args.into)
    if args.compare:
        client = make_client(settings)
        diffs = compare(client, settings.database_name, f"{args.into}_registry")
        client.close()
        print("differences: " + ", ".join(f"{k}={v}" for k, v in diffs.items()))
        return 0 if not any(diffs.values()) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
