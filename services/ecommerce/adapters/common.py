"""What the e-commerce repositories share: a missing record's error, and a free-text
filter. (The public projection and the county scope are the kit's: shared.programs.records.)"""
from __future__ import annotations

import re


class NotFound(LookupError):
    """No such record."""


def contains(text: str) -> dict:
    """A case-insensitive 'contains' filter for free-text search."""
    return {"$regex": re.escape(text), "$options": "i"}
