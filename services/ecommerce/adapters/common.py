"""What the e-commerce repositories share: the errors a write can end with, and a free-text
filter. (The public projection and the county scope are the kit's: shared.programs.records.)"""
from __future__ import annotations

import re


class NotFound(LookupError):
    """No such record."""


class Conflict(RuntimeError):
    """The record changed meanwhile (or an id is taken by something else): nothing written."""


def contains(text: str) -> dict:
    """A case-insensitive 'contains' filter for free-text search."""
    return {"$regex": re.escape(text), "$options": "i"}
