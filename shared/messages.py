"""A sentence for people, said by code and parameters, so the domain stays free of Flask and
of any one language (issue 19).

The domain builds ``Message(code, text, params)``: ``code`` for programs (the API's clients act
on it), ``text`` the English sentence with ``%(name)s`` placeholders, which is also the
catalogue's msgid (mark it with ``N_`` where it is written, so ``pybabel extract`` sees it).
``str(message)`` is the English sentence, for the API and the logs. The web edge says it in
the reader's language (``shared.web.messages.say``): the text through the catalogue, a
``Code`` parameter by its name there (``basic_medical`` → 基本医疗有保障), ``Codes`` as a list of
such names, a ``Literal`` as it is, marked <code>."""
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


class Literal(str):
    """Text a person reads as it is, not a word to translate: a cell's value as the file has it,
    a column's header, an error's own words. Pages mark it <code>."""


@dataclass(frozen=True)
class Message:
    code: str
    text: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.params:   # a sentence without placeholders may hold a "%" of its own
            return self.text
        return self.text % {name: str(value) for name, value in self.params.items()}

    def stored(self) -> dict:
        """The message as a document keeps it (an import run's errors): code, English text and
        parameters, each code parameter marked so ``from_stored`` says it by its name again."""
        return {"code": self.code, "text": self.text,
                "params": {name: _stored(value) for name, value in self.params.items()}}

    @classmethod
    def from_stored(cls, doc: dict) -> "Message":
        return cls(doc["code"], doc["text"], {name: _loaded(value) for name, value in doc.get("params", {}).items()})


def _stored(value):
    if isinstance(value, Literal):
        return {"literal": str(value)}
    if isinstance(value, Codes):
        return {"codes": list(value)}
    if isinstance(value, Code):
        return {"code": str(value)}
    return value


def _loaded(value):
    if isinstance(value, dict) and "literal" in value:
        return Literal(value["literal"])
    if isinstance(value, dict) and "codes" in value:
        return Codes(value["codes"])
    if isinstance(value, dict) and "code" in value:
        return Code(value["code"])
    return value
