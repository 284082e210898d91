"""Splitting an amount of fen by shares: integers only, and the same answer every time."""
from __future__ import annotations


def split_by_shares(total_fen: int, shares: dict[str, int]) -> dict[str, int]:
    """Largest-remainder split (Hamilton): each holder gets ⌊total × shares / all shares⌋;
    the fen left over go one each to the largest remainders, ties to the smaller household
    id. The parts add up to ``total_fen`` exactly and do not depend on the order given."""
    if total_fen < 0:
        raise ValueError("cannot split a negative amount")
    if not shares or any(s <= 0 for s in shares.values()):
        raise ValueError("every holder needs a positive number of shares")
    all_shares = sum(shares.values())
    parts, remainders = {}, []
    for holder, held in shares.items():
        parts[holder], remainder = divmod(total_fen * held, all_shares)
        remainders.append((-remainder, holder))
    left = total_fen - sum(parts.values())
    for _, holder in sorted(remainders)[:left]:
        parts[holder] += 1
    return parts
