"""Refusals with a reason code a partner's program can act on."""
from __future__ import annotations


class Refused(Exception):
    def __init__(self, status: int, reason: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.reason, self.message, self.errors = status, reason, message, errors or {}
