"""The program's policy defaults (DOMAIN.md: a policy default is a setting), read from the
environment like every other setting: ``PV_DOWN_DAYS``, ``PV_RESERVE_PERCENT``,
``PV_REVENUE_TOLERANCE_PERCENT``."""
from __future__ import annotations

from dataclasses import dataclass

from shared.programs.settings import PolicySettings, setting


@dataclass(frozen=True)
class Policy(PolicySettings):
    # A station down this many days raises a return-to-poverty risk signal for its households.
    down_days: int = setting(30, "PV_DOWN_DAYS", 1, 3650)
    # Share of a station's monthly revenue kept for operation and maintenance (运维) when the
    # operator does not say how much to distribute.
    reserve_percent: int = setting(10, "PV_RESERVE_PERCENT", 0, 100)
    # How far a reported revenue may stray from kWh × tariff (line losses, settlement rounding).
    revenue_tolerance_percent: int = setting(5, "PV_REVENUE_TOLERANCE_PERCENT", 0, 100)
