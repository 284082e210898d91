"""Scheduled jobs of the micro-credit service (run them daily from cron or a timer):

    python -m services.microcredit.jobs overdue [--date YYYY-MM-DD]

``overdue`` marks every lent loan's instalments with their days past due, turns a loan with
an instalment newly overdue to ``overdue`` and publishes ``loan.overdue`` for it (a
return-to-poverty risk signal for a household that exited). Run twice on the same day, it
publishes once: the loan remembers the day it was checked and the event id is derived from
the loan and the day."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from shared.config import Settings
from shared.logs import configure_logging
from shared.programs.enrolments import Enrolments
from shared.programs.households import HouseholdView
from shared.store import make_client, service_db
from services.microcredit.domain.policy import Policy
from services.microcredit.service import Microcredit

# When a cluster runs each command (deploy/k8s/generate.py makes a CronJob of each; China
# time): after midnight, so a day's instalments fall due before they are checked.
SCHEDULE = {"overdue": "15 1 * * *"}


def main(argv=None, env: dict | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.microcredit.jobs")
    commands = parser.add_subparsers(dest="command", required=True)
    overdue = commands.add_parser("overdue", help="mark overdue instalments and publish overdue events")
    overdue.add_argument("--date", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)

    settings = Settings.from_env("microcredit", env)
    configure_logging("microcredit-jobs", settings.log_level)
    client = make_client(settings)
    try:
        db = service_db(client, settings)
        service = Microcredit.build(db, HouseholdView(db), Enrolments(db, "microcredit"), Policy.from_env(env))
        published = service.check_overdue(args.date)
    finally:
        client.close()
    print(json.dumps({"date": args.date.isoformat(), "overdue_published": published}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
