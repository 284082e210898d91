"""Scheduled tasks of the relocation service (shared.programs.tasks):

    python -m services.relocation.tasks check-employment [--today YYYY-MM-DD]

``check-employment`` raises the return-to-poverty risk signal
(``relocated_without_employment``) for every household moved in RELOCATION_NO_JOB_MONTHS
months ago or more (6) with nobody employed yet. Each case raises it once, however often the
task runs."""
from __future__ import annotations

import sys

from shared.config import Settings
from shared.gazetteer.store import Gazetteer
from shared.programs.enrolments import Enrolments
from shared.programs.households import HouseholdGuard, HouseholdView
from shared.programs.tasks import Task, run_task
from shared.store import gazetteer_db
from services.relocation.domain.policy import Policy
from services.relocation.service import Relocation


def _check_employment(db, today, env) -> dict:
    households = HouseholdGuard.of_program("relocation", HouseholdView(db), Enrolments(db, "relocation"))
    areas = Gazetteer(gazetteer_db(db.client, Settings.from_env("relocation", env)))
    service = Relocation.build(db, households, Policy.from_env(env), areas)
    return {"months": service.policy.no_job_months, "raised": service.check_no_job(today)}


TASKS = {
    "check-employment": Task("raise the risk signal for households moved in without a job", "45 1 * * *",
                             _check_employment),
}


def main(argv=None, env=None) -> int:
    return run_task("relocation", TASKS, argv, env)


if __name__ == "__main__":
    sys.exit(main())
