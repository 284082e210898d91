"""What the relocation repositories share: hidden outbox fields, county scopes, prefixes."""
from __future__ import annotations

import re

from shared import outbox

PUBLIC = {outbox.PENDING_FIELD: 0, outbox.FLAG_FIELD: 0, outbox.REV_FIELD: 0}
SOURCE = "relocation"


def scoped(query: dict, scope: dict) -> dict:
    """Narrow a query to the caller's county (program operators may be county-scoped)."""
    if scope.get("county_code"):
        return {**query, "county_code": scope["county_code"]}
    return query


def prefix(text: str) -> dict:
    return {"$regex": "^" + re.escape(text)}
