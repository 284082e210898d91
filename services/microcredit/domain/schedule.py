"""Repayment schedules, computed at disbursement in exact fen.

Two methods: equal instalments (等额本息: the same payment every month) and interest only,
then the principal at the end (先息后本). Interest of a month is the balance times the
monthly rate (annual / 12), rounded half up to the fen; the principal of the last instalment
is whatever is left, so the principals always add up to the loan."""
from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

EQUAL_INSTALMENTS, INTEREST_ONLY = "equal_instalments", "interest_only"
METHODS = (EQUAL_INSTALMENTS, INTEREST_ONLY)


def fen(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def monthly_rate(annual_rate: Decimal) -> Decimal:
    return Decimal(annual_rate) / 12


def level_payment(principal_fen: int, months: int, rate: Decimal) -> int:
    """The monthly payment of an equal-instalment loan, in fen."""
    if rate == 0:
        return -(-principal_fen // months)
    growth = (1 + rate) ** months
    return fen(Decimal(principal_fen) * rate * growth / (growth - 1))


def build(principal_fen: int, months: int, annual_rate: Decimal, method: str, start: date,
          first_no: int = 1, extra_interest_fen: int = 0) -> list[dict]:
    """Instalments {no, due_on, principal_fen, interest_fen}: the first due a month after
    ``start``. ``extra_interest_fen`` (arrears carried into an extension) goes on the first."""
    if principal_fen <= 0 or months <= 0:
        raise ValueError("a schedule needs a positive principal and term")
    if method not in METHODS:
        raise ValueError(f"unknown repayment method {method!r}")
    rate = monthly_rate(annual_rate)
    payment = level_payment(principal_fen, months, rate)
    balance, out = principal_fen, []
    for k in range(1, months + 1):
        interest = fen(balance * rate)
        if k == months:
            principal = balance
        elif method == INTEREST_ONLY:
            principal = 0
        else:
            # Never more than what is left: rounding must not push the balance below zero.
            principal = min(balance, max(0, payment - interest))
        balance -= principal
        out.append({"no": first_no + k - 1, "due_on": add_months(start, k).isoformat(),
                    "principal_fen": principal, "interest_fen": interest})
    if out:
        out[0]["interest_fen"] += extra_interest_fen
    return out


def subsidy_fen(interest_fen: int, share: Decimal) -> int:
    """The interest subsidy (财政贴息) of one period: its interest times the subsidized share."""
    return fen(Decimal(interest_fen) * Decimal(share))
