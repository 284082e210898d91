"""The program's policy defaults (DOMAIN.md: a policy default is a setting), read from the
environment like every other setting: ``PV_DOWN_DAYS``, ``PV_RESERVE_PERCENT``,
``PV_REVENUE_TOLERANCE_PERCENT``."""
from __future__ import annotations

import os
from dataclasses import dataclass

from shared.programs.settings import env_int


@dataclass(frozen=True)
class Policy:
    # A station down this many days raises a return-to-poverty risk signal for its households.
    down_days: int = 30
    # Share of a station's monthly revenue kept for operation and maintenance (运维) when the
    # operator does not say how much to distribute.
    reserve_percent: int = 10
    # How far a reported revenue may stray from kWh × tariff (line losses, settlement rounding).
    revenue_tolerance_percent: int = 5

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Policy":
        env = os.environ if env is None else env
        return cls(down_days=env_int(env, "PV_DOWN_DAYS", cls.down_days, 1, 3650),
                   reserve_percent=env_int(env, "PV_RESERVE_PERCENT", cls.reserve_percent, 0, 100),
                   revenue_tolerance_percent=env_int(env, "PV_REVENUE_TOLERANCE_PERCENT", cls.revenue_tolerance_percent, 0, 100))
