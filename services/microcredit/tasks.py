"""Scheduled tasks of the micro-credit service (shared.programs.tasks):

    python -m services.microcredit.tasks overdue [--today YYYY-MM-DD]

``overdue`` marks every lent loan's instalments with their days past due, turns a loan with
an instalment newly overdue to ``overdue`` and publishes ``loan.overdue`` for it (a
return-to-poverty risk signal for a household that exited). Run twice on the same day, it
publishes once: the loan remembers the day it was checked and the event id is derived from
the loan and the day."""
from __future__ import annotations

import sys

from shared.programs.enrolments import Enrolments
from shared.programs.households import HouseholdGuard, HouseholdView
from shared.programs.tasks import Task, run_task
from services.microcredit.domain.policy import Policy
from services.microcredit.service import Microcredit


def _overdue(db, today, env) -> dict:
    households = HouseholdGuard.of_program("microcredit", HouseholdView(db), Enrolments(db, "microcredit"))
    service = Microcredit.build(db, households, Policy.from_env(env))
    return {"overdue_published": service.check_overdue(today)}


TASKS = {
    # After midnight, so a day's instalments fall due before they are checked.
    "overdue": Task("mark overdue instalments and publish overdue events", "15 1 * * *", _overdue),
}


def main(argv=None, env=None) -> int:
    return run_task("microcredit", TASKS, argv, env)


if __name__ == "__main__":
    sys.exit(main())
