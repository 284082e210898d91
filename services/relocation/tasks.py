"""Scheduled tasks of the relocation service (shared.programs.tasks):

    python -m services.relocation.tasks check-employment [--today YYYY-MM-DD]

``check-employment`` raises the return-to-poverty risk signal
(``relocated_without_employment``) for every household moved in RELOCATION_NO_JOB_MONTHS
months ago or more (6) with nobody employed yet. Each case raises it once, however often the
task runs."""
from __future__ import annotations

import sys

from shared.programs.tasks import Task, run_task
from services.relocation.adapters.cases import CaseRepository
from services.relocation.domain.policy import Policy
from services.relocation.usecases.cases import check_no_job


def _check_employment(db, today, env) -> dict:
    policy = Policy.from_env(env)
    cases = CaseRepository(db)
    cases.ensure_indexes()
    return {"months": policy.no_job_months, "raised": check_no_job(cases, today, policy.no_job_months)}


TASKS = {
    "check-employment": Task("raise the risk signal for households moved in without a job", "45 1 * * *",
                             _check_employment),
}


def main(argv=None, env=None) -> int:
    return run_task("relocation", TASKS, argv, env)


if __name__ == "__main__":
    sys.exit(main())
