"""Why a command is refused: a message for people, the fields it concerns, an HTTP status and,
where a partner's program acts on it, a reason code."""
from __future__ import annotations


class Refused(ValueError):
    """A rule refuses the command. ``field`` names the input at fault (None: the whole
    request); ``status`` is 409 for a conflict with what is stored, 422 for bad input,
    404 for something that does not exist. ``errors`` names several fields at once, as
    marshmallow does ({"field": ["why", …]}); ``reason`` is a code for programs to act on
    (the webhooks' error bodies carry it). ``message`` may be a ``shared.messages.Message``:
    ``message`` is then its English text (the API's), ``said`` the message a page says in the
    reader's language; ``said`` may also be given apart, for refusals whose fields say several
    things (``said=[Message, …]``)."""

    def __init__(self, message, field: str | None = None, status: int = 409, *,
                 errors: dict | None = None, reason: str | None = None, said=None):
        super().__init__(str(message))
        self.message = str(message)
        self.said = message if said is None else said
        self.field = field
        self.status = status
        self.reason = reason
        self._errors = errors or None

    @classmethod
    def of(cls, errors: dict, status: int = 422) -> "Refused":
        """One refusal for several fields' problems; its message says them all."""
        return cls(" ".join(m for msgs in errors.values() for m in msgs), None, status, errors=errors)

    @property
    def names_fields(self) -> bool:
        """Whether the refusal is about given fields rather than the request as a whole."""
        return bool(self.field or self._errors)

    @property
    def errors(self) -> dict:
        return self._errors or {self.field or "_schema": [self.message]}
