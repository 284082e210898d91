"""The micro-credit policy (扶贫小额信贷): limits and rates are settings with the national
defaults, read when the app or a task starts (never at import)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shared.programs.settings import PolicySettings, setting


@dataclass(frozen=True)
class Policy(PolicySettings):
    # At most 50,000 yuan, no collateral or guarantee.
    max_principal_fen: int = setting(5_000_000, "MICROCREDIT_MAX_PRINCIPAL_FEN", 1, 10**10)
    # At most 3 years.
    max_months: int = setting(36, "MICROCREDIT_MAX_MONTHS", 1, 360)
    # The benchmark lending rate (1–5 years); a yearly rate, below 1.
    annual_rate: Decimal = setting(Decimal("0.0435"), "MICROCREDIT_ANNUAL_RATE", Decimal("0"), Decimal("0.9999"))
    # Share of interest paid back from public funds.
    subsidy_share: Decimal = setting(Decimal("1"), "MICROCREDIT_SUBSIDY_SHARE", Decimal("0"), Decimal("1"))
    # A credit rating (评级授信) holds this long.
    rating_valid_days: int = setting(3 * 365, "MICROCREDIT_RATING_VALID_DAYS", 1, 36500)
    # An overdue loan may be extended (展期) once, this long.
    max_extension_months: int = setting(12, "MICROCREDIT_MAX_EXTENSION_MONTHS", 0, 120)
