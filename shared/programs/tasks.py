"""A program service's scheduled tasks (cron, a timer, or the CronJobs deploy/k8s/generate.py
makes of them), one runner for every service:

    python -m services.<service>.tasks <task> [--today YYYY-MM-DD]

Each task opens the service's store, does its work for the day given (default: today) and
prints what it did as one JSON line. Every task is idempotent per day. ("Tasks", not "jobs":
the registry's import jobs and tourism's jobs are other things.)"""
from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from pymongo.database import Database

from shared.config import Settings
from shared.logs import configure_logging
from shared.store import make_client, service_db


@dataclass(frozen=True)
class Task:
    help: str
    schedule: str  # when a cluster runs it: a cron expression, China time
    run: Callable[[Database, date, Mapping | None], dict]  # (the service's db, today, env) -> what it did


def run_task(service: str, tasks: Mapping[str, Task], argv=None, env: Mapping | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m services.{service}.tasks")
    names = parser.add_subparsers(dest="task", required=True)
    for name, task in tasks.items():
        names.add_parser(name, help=task.help).add_argument(
            "--today", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    settings = Settings.from_env(service, env)
    configure_logging(f"{service}-tasks", settings.log_level)
    client = make_client(settings)
    try:
        done = tasks[args.task].run(service_db(client, settings), args.today, env)
    finally:
        client.close()
    print(json.dumps({"task": args.task, "today": args.today.isoformat(), **done}))
    return 0
