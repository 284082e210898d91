"""Scheduled jobs of the relocation service (run them from cron or a timer):

    python -m services.relocation.jobs check-employment [--today YYYY-MM-DD]

``check-employment`` raises the return-to-poverty risk signal
(``relocated_without_employment``) for every household moved in RELOCATION_NO_JOB_MONTHS
months ago or more (6) with nobody employed yet. Each case raises it once, however often the
job runs."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from shared.config import Settings
from shared.logs import configure_logging
from shared.store import make_client, service_db
from services.relocation.adapters.cases import CaseRepository
from services.relocation.domain.policy import Policy
from services.relocation.usecases.cases import check_no_job

# When a cluster runs each command (deploy/k8s/generate.py makes a CronJob of each; China time).
SCHEDULE = {"check-employment": "45 1 * * *"}


def main(argv=None, env: dict | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.relocation.jobs")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check-employment", help="raise the risk signal for households moved in without a job")
    check.add_argument("--today", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)

    settings = Settings.from_env("relocation", env)
    configure_logging("relocation-jobs", settings.log_level)
    policy = Policy.from_env(env)
    client = make_client(settings)
    try:
        cases = CaseRepository(service_db(client, settings))
        cases.ensure_indexes()
        raised = check_no_job(cases, args.today, policy.no_job_months)
    finally:
        client.close()
    print(json.dumps({"today": args.today.isoformat(), "months": policy.no_job_months, "raised": raised}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
