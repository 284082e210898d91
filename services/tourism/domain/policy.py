"""The program's policy defaults (DOMAIN.md: a policy default is a setting), read from the
environment like every other setting: ``TOURISM_INSPECTION_VALID_DAYS``."""
from __future__ import annotations

from dataclasses import dataclass

from shared.programs.settings import PolicySettings, setting
from services.tourism.domain.homestays import INSPECTION_VALID_DAYS


@dataclass(frozen=True)
class Policy(PolicySettings):
    # How long a passed safety inspection lets a homestay take guests.
    inspection_valid_days: int = setting(INSPECTION_VALID_DAYS, "TOURISM_INSPECTION_VALID_DAYS", 1, 3650)
