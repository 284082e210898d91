"""A sentence for people, said by code and parameters, so the domain stays free of Flask and
of any one language (issue 19).

The domain builds ``Message(code, text, params)``: ``code`` for programs (the API's clients act
on it), ``text`` the English sentence with ``%(name)s`` placeholders, which is also the
catalogue's msgid (mark it with ``N_`` where it is written, so ``pybabel extract`` sees it).
``str(message)`` is the English sentence, for the API and the logs. The web edge says it in
the reader's language (``shared.web.messages.say``): the text through the catalogue, a
``Code`` parameter by its name there (``basic_medical`` → 基本医疗有保障), ``Codes`` as a list of
such names."""
from __future__ import annotations

from dataclasses import dataclass, field


def N_(text: str) -> str:
    """Mark ``text`` for extraction; it is translated where it is said (shared.web.messages)."""
    return text


class Code(str):
    """A code shown by its name in the catalogue (a status, a guarantee, a step)."""


class Codes(tuple):
    """Several codes, shown as a list of their names."""

    def __str__(self) -> str:
        return ", ".join(self)


@dataclass(frozen=True)
class Message:
    code: str
    text: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text % {name: str(value) for name, value in self.params.items()}
