"""The program's policy defaults (DOMAIN.md: a policy default is a setting), read from the
environment like every other setting: ``RELOCATION_MAX_M2_PER_PERSON``,
``RELOCATION_SELF_PAID_CAP_FEN``, ``RELOCATION_NO_JOB_MONTHS``."""
from __future__ import annotations

from dataclasses import dataclass

from shared.programs.settings import PolicySettings, setting


@dataclass(frozen=True)
class Policy(PolicySettings):
    # Housing built for a relocated household: at most 25 m² per person (DOMAIN.md).
    max_m2_per_person: int = setting(25, "RELOCATION_MAX_M2_PER_PERSON", 1, 200)
    # What a household pays itself towards its new home (自筹), at most 10,000 yuan: the
    # national rule of 2016 (户均不超过1万元); DOMAIN.md gives no number.
    self_paid_cap_fen: int = setting(1_000_000, "RELOCATION_SELF_PAID_CAP_FEN", 0, 10**9)
    # Moved in this many months without anyone employed ("one household, one job") is a
    # return-to-poverty risk signal.
    no_job_months: int = setting(6, "RELOCATION_NO_JOB_MONTHS", 1, 120)
