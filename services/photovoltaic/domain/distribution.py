"""A station's monthly revenue distribution: dividends by share, or public-welfare wages."""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.programs.refused import Refused
from services.photovoltaic.domain.shares import split_by_shares

DIVIDENDS, WAGES = "dividends", "wages"


def distribution_id(station_id: str, month: str) -> str:
    """Deterministic: one distribution per station and month, so a repeated run finds the
    first instead of paying twice."""
    return f"{station_id}-{month}"


@dataclass
class Plan:
    mode: str
    revenue_fen: int
    reserve_fen: int
    pool_fen: int
    allocations: list[dict] = field(default_factory=list)

    @property
    def distributed_fen(self) -> int:
        return sum(a["amount_fen"] for a in self.allocations)

    @property
    def retained_fen(self) -> int:
        """What stays with the village collective (maintenance reserve, and what wages left)."""
        return self.revenue_fen - self.distributed_fen


def reserve(revenue_fen: int, reserve_percent: int) -> int:
    return revenue_fen * reserve_percent // 100


def plan_dividends(revenue_fen: int, reserve_percent: int, members: list[dict], amount_fen: int | None = None) -> Plan:
    """``members``: [{household_id, shares}] of the enrolled members. Without an amount the
    revenue less the maintenance reserve is shared out; an amount may not exceed the revenue."""
    kept = reserve(revenue_fen, reserve_percent)
    pool = revenue_fen - kept if amount_fen is None else amount_fen
    if amount_fen is not None and amount_fen > revenue_fen:
        raise Refused(f"Cannot distribute more than the month's revenue (¥{revenue_fen / 100:,.2f}).", "amount_fen", 422)
    if pool <= 0:
        raise Refused("There is nothing to distribute for this month.", "amount_fen")
    if not members:
        raise Refused("The station has no enrolled members with shares to pay dividends to.", "mode")
    parts = split_by_shares(pool, {m["household_id"]: m["shares"] for m in members})
    total_shares = sum(m["shares"] for m in members)
    allocations = [{"household_id": m["household_id"], "shares": m["shares"], "total_shares": total_shares,
                    "amount_fen": parts[m["household_id"]]}
                   for m in sorted(members, key=lambda m: m["household_id"]) if parts[m["household_id"]] > 0]
    return Plan(DIVIDENDS, revenue_fen, revenue_fen - pool, pool, allocations)


def plan_wages(revenue_fen: int, reserve_percent: int, posts: list[dict]) -> Plan:
    """``posts``: the posts held during the month; each is paid its monthly wage from the
    revenue less the reserve, and the rest stays with the village."""
    pool = revenue_fen - reserve(revenue_fen, reserve_percent)
    if not posts:
        raise Refused("The station has no public-welfare posts to pay wages for this month.", "mode")
    due = sum(p["monthly_wage_fen"] for p in posts)
    if due > pool:
        raise Refused(f"Wages due (¥{due / 100:,.2f}) exceed the revenue available (¥{pool / 100:,.2f}).", "mode")
    allocations = [{"household_id": p["household_id"], "post_id": p["post_id"], "post": p["post"],
                    "member_name": p["member_name"], "amount_fen": p["monthly_wage_fen"]}
                   for p in sorted(posts, key=lambda p: p["post_id"]) if p["monthly_wage_fen"] > 0]
    return Plan(WAGES, revenue_fen, revenue_fen - pool, pool, allocations)
