"""Sales: pure rules, no framework."""
from __future__ import annotations

import uuid

from shared.events.types.ecommerce import CHANNELS  # noqa: F401  (the one list of channels)


def new_sale_id() -> str:
    return "S" + uuid.uuid4().hex[:16].upper()


def check_income(amount_fen: int, income_fen: int) -> dict:
    """Field errors for a sale's money, as marshmallow would report them."""
    if income_fen > amount_fen:
        return {"income_fen": ["Income to the household cannot exceed the sale amount."]}
    return {}
