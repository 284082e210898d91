"""The program's policy defaults (DOMAIN.md: a policy default is a setting), read from the
environment like every other setting: ``RELOCATION_MAX_M2_PER_PERSON``,
``RELOCATION_SELF_PAID_CAP_FEN``, ``RELOCATION_NO_JOB_MONTHS``."""
from __future__ import annotations

import os
from dataclasses import dataclass

from shared.programs.settings import env_int


@dataclass(frozen=True)
class Policy:
    # Housing built for a relocated household: at most 25 m² per person (DOMAIN.md).
    max_m2_per_person: int = 25
    # What a household pays itself towards its new home (自筹), at most 10,000 yuan: the
    # national rule of 2016 (户均不超过1万元); DOMAIN.md gives no number.
    self_paid_cap_fen: int = 1_000_000
    # Moved in this many months without anyone employed ("one household, one job") is a
    # return-to-poverty risk signal.
    no_job_months: int = 6

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Policy":
        env = os.environ if env is None else env
        return cls(max_m2_per_person=env_int(env, "RELOCATION_MAX_M2_PER_PERSON", cls.max_m2_per_person, 1, 200),
                   self_paid_cap_fen=env_int(env, "RELOCATION_SELF_PAID_CAP_FEN", cls.self_paid_cap_fen, 0, 10**9),
                   no_job_months=env_int(env, "RELOCATION_NO_JOB_MONTHS", cls.no_job_months, 1, 120))
