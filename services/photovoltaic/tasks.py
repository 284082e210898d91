"""Scheduled tasks of the photovoltaic service (shared.programs.tasks):

    python -m services.photovoltaic.tasks check-faults [--today YYYY-MM-DD]

``check-faults`` raises the return-to-poverty risk signal (``pv_station_down``) for the
households of every installation down for PV_DOWN_DAYS days or more. Each fault raises it
once, however often the task runs; a restoration recorded later does not raise it again."""
from __future__ import annotations

import sys

from shared.programs.tasks import Task, run_task
from services.photovoltaic.adapters.faults import FaultRepository
from services.photovoltaic.adapters.installations import InstallationRepository
from services.photovoltaic.domain.policy import Policy
from services.photovoltaic.usecases.faults import check_faults


def _check_faults(db, today, env) -> dict:
    policy = Policy.from_env(env)
    faults = FaultRepository(db)
    faults.ensure_indexes()
    return {"threshold_days": policy.down_days,
            "raised": check_faults(faults, InstallationRepository(db), today, policy.down_days)}


TASKS = {
    # Early morning, after the day's fault reports are in.
    "check-faults": Task("raise the risk signal for installations down too long", "30 1 * * *", _check_faults),
}


def main(argv=None, env=None) -> int:
    return run_task("photovoltaic", TASKS, argv, env)


if __name__ == "__main__":
    sys.exit(main())
