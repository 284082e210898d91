"""The program's policy defaults (DOMAIN.md: a policy default is a setting), read from the
environment like every other setting: ``TOURISM_INSPECTION_VALID_DAYS``."""
from __future__ import annotations

import os
from dataclasses import dataclass

from shared.programs.settings import env_int
from services.tourism.domain.homestays import INSPECTION_VALID_DAYS


@dataclass(frozen=True)
class Policy:
    # How long a passed safety inspection lets a homestay take guests.
    inspection_valid_days: int = INSPECTION_VALID_DAYS

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Policy":
        env = os.environ if env is None else env
        return cls(inspection_valid_days=env_int(env, "TOURISM_INSPECTION_VALID_DAYS", cls.inspection_valid_days,
                                                 1, 3650))
