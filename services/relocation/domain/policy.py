"""The program's policy defaults (DOMAIN.md: a policy default is a setting), read from the
environment like every other setting: ``RELOCATION_MAX_M2_PER_PERSON``,
``RELOCATION_SELF_PAID_CAP_FEN``, ``RELOCATION_NO_JOB_MONTHS``."""
from __future__ import annotations

import os
from dataclasses import dataclass


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

        def number(name: str, default: int, low: int, high: int) -> int:
            raw = env.get(name, "")
            if raw == "":
                return default
            try:
                value = int(raw)
            except ValueError:
                raise ValueError(f"{name} must be an integer, got {raw!r}") from None
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}, got {value}")
            return value

        return cls(max_m2_per_person=number("RELOCATION_MAX_M2_PER_PERSON", cls.max_m2_per_person, 1, 200),
                   self_paid_cap_fen=number("RELOCATION_SELF_PAID_CAP_FEN", cls.self_paid_cap_fen, 0, 10**9),
                   no_job_months=number("RELOCATION_NO_JOB_MONTHS", cls.no_job_months, 1, 120))
