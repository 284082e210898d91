"""Why a command is refused: a message for people, the field it concerns, an HTTP status."""
from __future__ import annotations


class Refused(ValueError):
    """A rule refuses the command. ``field`` names the input at fault (None: the whole
    request); ``status`` is 409 for a conflict with what is stored, 422 for bad input,
    404 for something that does not exist."""

    def __init__(self, message: str, field: str | None = None, status: int = 409):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

    @property
    def errors(self) -> dict:
        return {self.field or "_schema": [self.message]}
