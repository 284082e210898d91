"""Sales and refunds: pure rules, no framework.

Money is never edited after a sale is recorded: the registry has already added its income
to the household's file. A mistake in the money is undone by a refund (which the registry
subtracts) and a new sale; only the descriptive fields can be corrected."""
from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta

from shared.events.types.ecommerce import CHANNELS  # noqa: F401  (the one list of channels)
from shared.programs.refused import Refused
from shared.messages import N_
from shared.validation_messages import templated

RECORDED, PARTLY_REFUNDED, REFUNDED = "recorded", "partly_refunded", "refunded"
SALE_STATUSES = (RECORDED, PARTLY_REFUNDED, REFUNDED)
# Who said the sale happened: an operator, or a partner platform's report (webhooks).
SOURCES = ("operator", "partner")
CORRECTABLE = ("product", "quantity", "unit", "sold_on")
# A refund's problems with parameters, said on the refund form in the reader's language.
REFUND_BEFORE_SALE = templated(N_("The sale was made on %(day)s: a refund comes after it."))
AMOUNT_LEFT = templated(N_("At most %(yuan)s yuan of this sale remains to refund."))
INCOME_LEFT = templated(N_("At most %(yuan)s yuan of income remains in this sale."))
INCOME_AT_LEAST = templated(N_("Take back at least %(yuan)s yuan: the income left cannot exceed the money left in "
                               "the sale."))


class RefundRefused(Refused):
    """The refund does not fit what remains of the sale (a conflict with the sale as stored:
    409); ``errors`` names the fields."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message, None, 409, errors=errors)


def new_sale_id() -> str:
    return "S" + uuid.uuid4().hex[:16].upper()


def partner_sale_id(partner: str, partner_ref: str) -> str:
    """The same report from a partner platform always gets the same id, so a repeated
    delivery is recognised (the insert finds the id taken) and recorded once."""
    digest = hashlib.sha256(f"{partner}\x1f{partner_ref}".encode()).hexdigest()
    return "P" + digest[:16].upper()


def refund_id(sale_id: str, number: int) -> str:
    return f"{sale_id}-R{number}"


def month_of(day: date | str) -> str:
    return (day.isoformat() if isinstance(day, date) else str(day))[:7]


def in_future(day: date | None, today: date | None = None) -> bool:
    """After tomorrow: the server's clock is UTC, the operator's day may already be the next
    (China is UTC+8), so tomorrow is still accepted."""
    return day is not None and day > (today or date.today()) + timedelta(days=1)


def check_income(amount_fen: int, income_fen: int) -> dict:
    """Field errors for a sale's money, as marshmallow would report them."""
    if income_fen > amount_fen:
        return {"income_fen": ["Income to the household cannot exceed the sale amount."]}
    return {}


def remaining(sale: dict) -> tuple[int, int]:
    """(amount, income) of the sale not yet refunded, in fen."""
    return (sale["amount_fen"] - sale.get("refunded_amount_fen", 0),
            sale["income_fen"] - sale.get("refunded_income_fen", 0))


def default_refund_income(amount_left: int, income_left: int, refund_fen: int) -> int:
    """The income a refund takes back when the operator does not say: the household's share
    of what remains, rounded down, so that the income left never exceeds the amount left;
    the last refund takes back exactly what is left (no fen stranded by rounding)."""
    if refund_fen >= amount_left:
        return income_left
    return income_left * refund_fen // amount_left


def check_refund(sale: dict, amount_fen: int, income_fen: int | None, refunded_on: date | None = None) -> int:
    """The income the refund takes back, or RefundRefused naming the fields.

    A refund cannot exceed what remains of the sale, takes back no more income than it
    returns, and leaves the household no more income than the money left in the sale."""
    if sale.get("status") == REFUNDED:
        raise RefundRefused(f"sale {sale['_id']} is already fully refunded",
                            {"amount_fen": [N_("The sale is already fully refunded.")]})
    amount_left, income_left = remaining(sale)
    errors: dict = {}
    if refunded_on is not None and refunded_on.isoformat() < sale["sold_on"]:
        errors["refunded_on"] = [REFUND_BEFORE_SALE % {"day": sale["sold_on"]}]
    if amount_fen < 1:
        errors["amount_fen"] = [N_("A refund gives back at least 0.01 yuan.")]
    elif amount_fen > amount_left:
        errors["amount_fen"] = [AMOUNT_LEFT % {"yuan": f"{amount_left / 100:.2f}"}]
    if errors:
        raise RefundRefused("the refund does not fit the sale", errors)
    income = default_refund_income(amount_left, income_left, amount_fen) if income_fen is None else income_fen
    if income > amount_fen:
        errors["income_fen"] = [N_("The income taken back cannot exceed the refund.")]
    elif income > income_left:
        errors["income_fen"] = [INCOME_LEFT % {"yuan": f"{income_left / 100:.2f}"}]
    elif income_left - income > amount_left - amount_fen:
        errors["income_fen"] = [INCOME_AT_LEAST % {"yuan": f"{(income_left - amount_left + amount_fen) / 100:.2f}"}]
    if errors:
        raise RefundRefused("the refund does not fit the sale", errors)
    return income


def status_after(amount_fen: int, refunded_amount_fen: int) -> str:
    if refunded_amount_fen <= 0:
        return RECORDED
    return REFUNDED if refunded_amount_fen >= amount_fen else PARTLY_REFUNDED
