"""Bookings: dates, guests and money."""
from __future__ import annotations

from datetime import date

from shared.messages import N_
from shared.validation_messages import templated

# Problems said on the pages in the reader's language (shared/validation_messages.py).
TOO_LONG = templated(N_("A booking is at most %(n)s nights."))
TOO_MANY_GUESTS = templated(N_("%(name)s has %(beds)s beds; at most %(beds)s guests."))

MAX_NIGHTS = 90   # a longer stay is a lease, not a homestay booking


def nights(check_in: date, check_out: date) -> int:
    return (check_out - check_in).days


def booking_problems(fields: dict) -> dict:
    """Field errors of a booking on its own (dates, money), as marshmallow reports them."""
    problems = {}
    check_in, check_out = fields.get("check_in"), fields.get("check_out")
    if check_in and check_out:
        n = nights(check_in, check_out)
        if n < 1:
            problems["check_out"] = [N_("Check-out must be after check-in.")]
        elif n > MAX_NIGHTS:
            problems["check_out"] = [TOO_LONG % {"n": MAX_NIGHTS}]
    if (fields.get("income_fen") or 0) > (fields.get("amount_fen") or 0):
        problems["income_fen"] = [N_("Income to the household cannot exceed the booking amount.")]
    return problems


def against_homestay(fields: dict, homestay: dict) -> dict:
    """Field errors of a booking against the homestay it is for."""
    if fields["guests"] > homestay["beds"]:
        return {"guests": [TOO_MANY_GUESTS % {"name": homestay["name"], "beds": homestay["beds"]}]}
    return {}


def month_of(day: date) -> str:
    return day.isoformat()[:7]
