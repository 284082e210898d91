"""Where a repayment goes: instalment by instalment, oldest first, and in each its interest
before its principal. Pure arithmetic on the schedule as stored (each instalment with what
was already paid of it)."""
from __future__ import annotations

from shared.programs.refused import Refused


def owed(instalment: dict) -> tuple[int, int]:
    """(interest, principal) still unpaid of one instalment."""
    return (instalment["interest_fen"] - instalment.get("paid_interest_fen", 0),
            instalment["principal_fen"] - instalment.get("paid_principal_fen", 0))


def outstanding(schedule: list[dict]) -> tuple[int, int]:
    """(interest, principal) still unpaid over the whole schedule."""
    totals = [owed(i) for i in schedule]
    return sum(t[0] for t in totals), sum(t[1] for t in totals)


def allocate(schedule: list[dict], amount_fen: int) -> list[dict]:
    """Lines {no, interest_fen, principal_fen} that add up to ``amount_fen``. A payment above
    everything still owed is refused: the operator records what the bank actually took."""
    if amount_fen <= 0:
        raise Refused("A repayment is a positive amount.", "amount_fen", 422)
    interest_left, principal_left = outstanding(schedule)
    if amount_fen > interest_left + principal_left:
        raise Refused(f"The loan owes only {interest_left + principal_left} fen "
                      f"({principal_left} principal, {interest_left} interest).", "amount_fen", 422)
    remaining, lines = amount_fen, []
    for instalment in sorted(schedule, key=lambda i: (i["due_on"], i["no"])):
        if remaining == 0:
            break
        interest, principal = owed(instalment)
        to_interest = min(remaining, interest)
        to_principal = min(remaining - to_interest, principal)
        if to_interest or to_principal:
            lines.append({"no": instalment["no"], "interest_fen": to_interest, "principal_fen": to_principal})
            remaining -= to_interest + to_principal
    return lines


def apply(schedule: list[dict], lines: list[dict]) -> list[dict]:
    """The schedule after the allocated lines were paid (a new list; the input is not changed)."""
    by_no = {line["no"]: line for line in lines}
    out = []
    for instalment in schedule:
        line = by_no.get(instalment["no"])
        updated = dict(instalment)
        if line:
            updated["paid_interest_fen"] = instalment.get("paid_interest_fen", 0) + line["interest_fen"]
            updated["paid_principal_fen"] = instalment.get("paid_principal_fen", 0) + line["principal_fen"]
        out.append(updated)
    return out


def settled(instalment: dict) -> bool:
    return owed(instalment) == (0, 0)
