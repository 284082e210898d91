"""Per-household order on an endpoint: a delivery is due only when it is the head of its
(endpoint, household) line — no earlier delivery of that line is still pending.

A delivery's ``line`` is its household id and its ``seq`` the stream record's offset: one
household's events are keyed by its id, so they sit in one partition in the order the
registry accepted them. Test events and replays have no line and wait for nothing."""
from __future__ import annotations

PENDING = "pending"


def is_head(delivery: dict, line: list[dict]) -> bool:
    """``line``: the other deliveries of the same endpoint and household."""
    if not delivery.get("line"):
        return True
    return not any(d["status"] == PENDING and d["seq"] < delivery["seq"] for d in line if d["_id"] != delivery["_id"])
