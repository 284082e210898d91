"""Reconcile what every program published with the registry: history, consolidated stream
and statistics. Read-only, and reads only what an operator can read:

- each program's topic (and the registry's own) from the beginning — the programs'
  outboxes are emptied once published, so the topics are the record of what was published;
- the dead-letter topic (events accounted for, with a reason);
- the registry's ``history`` and ``stats`` collections;
- the consolidated stream topic.

    python -m services.registry.reconcile [--json report.json]

Prints a summary per program; exits 1 when anything differs (see
``services/registry/domain/reconciliation.py`` for what counts as a difference)."""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict

from shared.config import Settings
from shared.events.envelope import Envelope
from shared.events.topics import PROGRAMS, Topics
from shared.kafka.topic_reader import read_all
from shared.store import make_client, service_db
from services.registry.adapters.stats import UNCOUNTED
from services.registry.domain.reconciliation import Sources, reconcile, summary

HISTORY_FIELDS = {"program": 1, "household_id": 1, "occurred_at": 1, "income_fen": 1, "amount_fen": 1,
                  "data.before": 1, "data.after": 1, "data.to_status": 1}


def gather(settings: Settings) -> Sources:
    topics = Topics(settings.topic_prefix)
    bootstrap = settings.kafka_bootstrap_servers
    program_of_topic = {topics.program(p): p for p in PROGRAMS}
    program_of_topic[topics.registry] = "registry"
    sources = Sources()
    for topic, program in program_of_topic.items():
        ids = sources.published.setdefault(program, [])
        for record in read_all(bootstrap, topic):
            try:
                ids.append(Envelope.from_kafka(record.key, record.value, record.headers).id)
            except ValueError:
                sources.unreadable[program] = sources.unreadable.get(program, 0) + 1
    deadlettered = defaultdict(set)
    for record in read_all(bootstrap, topics.deadletter):
        headers = {k: (v or b"").decode("utf-8", "replace") for k, v in record.headers or []}
        if headers.get("dlq_topic") in program_of_topic and headers.get("ce_id"):
            deadlettered[program_of_topic[headers["dlq_topic"]]].add(headers["ce_id"])
    sources.deadlettered = dict(deadlettered)
    for record in read_all(bootstrap, topics.stream):
        try:
            event = Envelope.from_kafka(record.key, record.value, record.headers)
        except ValueError:
            sources.unreadable["stream"] = sources.unreadable.get("stream", 0) + 1
            continue
        if "event_id" in event.data:
            sources.stream.append({"id": event.id, "event_id": event.data["event_id"],
                                   "program": event.data.get("program", "")})
    client = make_client(settings)
    try:
        db = service_db(client, settings)
        sources.history = list(db["history"].find({}, HISTORY_FIELDS))
        sources.months = list(db["stats"].find({"level": {"$in": ["county", "township"]}}, UNCOUNTED))
        sources.stats = [doc for doc in sources.months if doc["level"] == "county"]
        sources.area_totals = list(db["area_totals"].find({}, UNCOUNTED))
    finally:
        client.close()
    return sources


def run(settings: Settings) -> dict:
    return reconcile(gather(settings))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.registry.reconcile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="PATH", help="also write the full report as JSON ('-' for stdout)")
    args = parser.parse_args(argv)
    report = run(Settings.from_env("registry"))
    text = json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True)
    if args.json == "-":
        print(text)
    else:
        if args.json:
            with open(args.json, "w", encoding="utf-8") as out:
                out.write(text + "\n")
        print(summary(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
