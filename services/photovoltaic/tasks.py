"""Scheduled tasks of the photovoltaic service (shared.programs.tasks):

    python -m services.photovoltaic.tasks check-faults [--today YYYY-MM-DD]

``check-faults`` raises the return-to-poverty risk signal (``pv_station_down``) for the
households of every installation down for PV_DOWN_DAYS days or more. Each fault raises it
once, however often the task runs; a restoration recorded later does not raise it again."""
from __future__ import annotations

import sys

from shared.config import Settings
from shared.gazetteer.store import Gazetteer
from shared.programs.enrolments import Enrolments
from shared.programs.households import HouseholdGuard, HouseholdView
from shared.programs.tasks import Task, run_task
from shared.store import gazetteer_db
from services.photovoltaic.domain.policy import Policy
from services.photovoltaic.service import Photovoltaic


def _check_faults(db, today, env) -> dict:
    households = HouseholdGuard.of_program("photovoltaic", HouseholdView(db), Enrolments(db, "photovoltaic"))
    areas = Gazetteer(gazetteer_db(db.client, Settings.from_env("photovoltaic", env)))
    service = Photovoltaic.build(db, households, Policy.from_env(env), areas)
    return {"threshold_days": service.policy.down_days, "raised": service.check_faults(today)}


TASKS = {
    # Early morning, after the day's fault reports are in.
    "check-faults": Task("raise the risk signal for installations down too long", "30 1 * * *", _check_faults),
}


def main(argv=None, env=None) -> int:
    return run_task("photovoltaic", TASKS, argv, env)


if __name__ == "__main__":
    sys.exit(main())
