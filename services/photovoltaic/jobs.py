"""Scheduled jobs of the photovoltaic service (run them from cron or a timer):

    python -m services.photovoltaic.jobs check-faults [--today YYYY-MM-DD]

``check-faults`` raises the return-to-poverty risk signal (``pv_station_down``) for the
households of every installation down for PV_DOWN_DAYS days or more. Each fault raises it
once, however often the job runs; a restoration recorded later does not raise it again."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from shared.config import Settings
from shared.logs import configure_logging
from shared.store import make_client, service_db
from services.photovoltaic.adapters.faults import FaultRepository
from services.photovoltaic.adapters.installations import InstallationRepository
from services.photovoltaic.domain.policy import Policy
from services.photovoltaic.usecases.faults import check_faults

# When a cluster runs each command (deploy/k8s/generate.py makes a CronJob of each; China
# time). Early morning, after the day's fault reports are in; the job is idempotent.
SCHEDULE = {"check-faults": "30 1 * * *"}


def main(argv=None, env: dict | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.photovoltaic.jobs")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check-faults", help="raise the risk signal for installations down too long")
    check.add_argument("--today", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)

    settings = Settings.from_env("photovoltaic", env)
    configure_logging("photovoltaic-jobs", settings.log_level)
    policy = Policy.from_env(env)
    client = make_client(settings)
    try:
        db = service_db(client, settings)
        faults = FaultRepository(db)
        faults.ensure_indexes()
        raised = check_faults(faults, InstallationRepository(db), args.today, policy.down_days)
    finally:
        client.close()
    print(json.dumps({"today": args.today.isoformat(), "threshold_days": policy.down_days, "raised": raised}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
