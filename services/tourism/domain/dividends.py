"""Dividend runs of a village tourism cooperative: an amount split among the members by
share, in whole fen.

Rule for the remainder (largest remainder, Hamilton's method): every member first gets
``floor(amount × shares / total)``; the fen left over (fewer than the number of members) go
one each to the members with the largest fractional parts, ties broken by household id, so
the split is deterministic and always adds up to the amount exactly."""
from __future__ import annotations


class NothingToSplit(ValueError):
    """No member holds shares."""


def split(amount_fen: int, shares: dict[str, int]) -> dict[str, int]:
    """{household id: dividend in fen} for every member with shares; sums to ``amount_fen``."""
    holders = sorted((hid, n) for hid, n in shares.items() if n > 0)
    total = sum(n for _, n in holders)
    if not total:
        raise NothingToSplit("no member of the cooperative holds shares")
    if amount_fen < 0:
        raise ValueError("a dividend run pays a positive amount")
    paid = {hid: amount_fen * n // total for hid, n in holders}
    left = amount_fen - sum(paid.values())
    by_remainder = sorted(holders, key=lambda h: (-(amount_fen * h[1] % total), h[0]))
    for hid, _ in by_remainder[:left]:
        paid[hid] += 1
    return paid


def run_lines(amount_fen: int, members: list[dict]) -> list[dict]:
    """The lines of a run, in household id order: who holds how many shares and gets what."""
    shares = {m["household_id"]: m["shares"] for m in members}
    paid = split(amount_fen, shares)
    return [{"household_id": hid, "shares": shares[hid], "dividend_fen": paid[hid]} for hid in sorted(paid)]


def same_run(existing: dict, amount_fen: int) -> bool:
    """A repeated request for a period already paid: the same run if it asks for the same amount."""
    return existing["amount_fen"] == amount_fen
