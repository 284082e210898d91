"""Monthly generation reports: revenue from kWh and tariff, and what a report may claim."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from shared.programs.refused import Refused
from services.photovoltaic.domain.installations import max_kwh
from services.photovoltaic.domain.months import month_of


def report_id(installation_id: str, month: str) -> str:
    """One report per installation and month: a second report of the same month is a
    correction, never a second income."""
    return f"{installation_id}-{month}"


def expected_revenue_fen(kwh: int, tariff_fen_per_kwh: float) -> int:
    # Decimal from the tariff's text, so 0.1 + 0.2 style float errors never reach the fen.
    return int((Decimal(kwh) * Decimal(str(tariff_fen_per_kwh))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def revenue_for(kwh: int, tariff: float, revenue_fen: int | None, tolerance_percent: int) -> int:
    """The revenue to record: the one reported, if close enough to kWh × tariff; else that product."""
    expected = expected_revenue_fen(kwh, tariff)
    if revenue_fen is None:
        return expected
    allowed = max(100, expected * tolerance_percent // 100)
    if abs(revenue_fen - expected) > allowed:
        raise Refused(f"Revenue differs from kWh × tariff (¥{expected / 100:,.2f}) by more than "
                      f"{tolerance_percent}%.", "revenue_fen", 422)
    return revenue_fen


def check_report(installation: dict, month: str, kwh: int, today: date) -> None:
    """A month after commissioning, not in the future, and no more than the capacity allows."""
    if month > month_of(today):
        raise Refused("A month in the future cannot be reported.", "month", 422)
    if month < installation["commissioned_on"][:7]:
        raise Refused(f"The installation was commissioned on {installation['commissioned_on']}.", "month", 422)
    ceiling = max_kwh(installation["capacity_kw"], month)
    if kwh > ceiling:
        raise Refused(f"{installation['capacity_kw']:g} kW cannot generate more than {ceiling} kWh in a month.",
                      "kwh", 422)


def income_to(installation: dict, revenue_fen: int) -> int:
    """What a report earns the households it is published to: a rooftop system's revenue is
    its owner's income; a station's reaches its members only through a distribution."""
    return revenue_fen if installation["kind"] == "rooftop" else 0
