"""The micro-credit policy (扶贫小额信贷): limits and rates are settings with the national
defaults, read when the app or a job starts (never at import)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


def _decimal(env: dict, name: str, default: str) -> Decimal:
    raw = env.get(name) or default
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{name}={raw!r} is not a number") from None


@dataclass(frozen=True)
class Policy:
    max_principal_fen: int = 5_000_000          # at most 50,000 yuan, no collateral or guarantee
    max_months: int = 36                        # at most 3 years
    annual_rate: Decimal = Decimal("0.0435")    # the benchmark lending rate (1–5 years)
    subsidy_share: Decimal = Decimal("1")       # share of interest paid back from public funds
    rating_valid_days: int = 3 * 365            # a credit rating (评级授信) holds this long
    max_extension_months: int = 12              # an overdue loan may be extended (展期) once, this long

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Policy":
        env = os.environ if env is None else env
        policy = cls(
            max_principal_fen=int(env.get("MICROCREDIT_MAX_PRINCIPAL_FEN") or cls.max_principal_fen),
            max_months=int(env.get("MICROCREDIT_MAX_MONTHS") or cls.max_months),
            annual_rate=_decimal(env, "MICROCREDIT_ANNUAL_RATE", str(cls.annual_rate)),
            subsidy_share=_decimal(env, "MICROCREDIT_SUBSIDY_SHARE", str(cls.subsidy_share)),
            rating_valid_days=int(env.get("MICROCREDIT_RATING_VALID_DAYS") or cls.rating_valid_days),
            max_extension_months=int(env.get("MICROCREDIT_MAX_EXTENSION_MONTHS") or cls.max_extension_months))
        if not (0 <= policy.annual_rate < 1 and 0 <= policy.subsidy_share <= 1):
            raise ValueError("MICROCREDIT_ANNUAL_RATE must be in [0, 1) and MICROCREDIT_SUBSIDY_SHARE in [0, 1]")
        return policy
