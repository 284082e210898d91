"""Refusals of the tourism rules, naming the fields they concern."""
from __future__ import annotations


class Refused(ValueError):
    """A request the rules refuse given what is stored (HTTP 409). ``errors`` names the
    fields, as marshmallow does: {"field": ["why", …]}."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}

    @classmethod
    def on(cls, field: str, message: str) -> "Refused":
        return cls(message, {field: [message]})

    @classmethod
    def of(cls, errors: dict) -> "Refused":
        return cls(" ".join(m for msgs in errors.values() for m in msgs), errors)
