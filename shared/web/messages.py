"""Saying the domain's messages (shared/messages.py) in the request's language, at the web edge:
the text and every code in it through the one translation catalogue."""
from __future__ import annotations

from flask import Flask
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from shared.messages import Code, Codes, Literal, Message
from shared.validation_messages import message_of


def _shown(value):
    if isinstance(value, Codes):
        # TRANSLATORS: the separator between the names of a list (zh: 、)
        return gettext(", ").join(gettext(code) for code in value)
    if isinstance(value, Code):
        return gettext(str(value))
    if isinstance(value, Literal):
        return Markup("<code>%s</code>") % str(value)
    return value


def say(said) -> str:
    """A message in the reader's language; text that is not a Message is shown as it is (data,
    or a sentence translated already)."""
    if not isinstance(said, Message):
        return said
    shown = {name: _shown(value) for name, value in said.params.items()}
    if any(isinstance(value, Literal) for value in said.params.values()):
        # Markup: the sentence escaped, the literal marked <code>, every other parameter escaped
        return Markup(escape(gettext(said.text))) % shown
    return gettext(said.text, **shown)


def say_all(messages, separator: str | None = None) -> str:
    """Several messages, one after the other."""
    # TRANSLATORS: the separator between sentences said one after the other (zh: ；)
    return (separator or gettext("; ")).join(say(m) for m in messages)


def problem(text) -> str:
    """Why a value is refused, in the reader's language: marshmallow's English sentences by
    their catalogue entries with their parameters, a service's own by the catalogue (the API
    keeps the English; see shared/validation_messages.py)."""
    return say(message_of(text) if isinstance(text, str) else text)


def row_problem(error: dict) -> str:
    """An import run's row error: said from its stored messages; a run stored before they were
    kept (only the English ``message``) is said as well as its text allows."""
    if error.get("said"):
        return Markup(" ").join(say(Message.from_stored(doc)) for doc in error["said"])
    return problem(error.get("message", ""))


def actor(username: str) -> str:
    """Who took a step: a person's login name as it is; the system, acting on a program's event
    (``system/relocation``), by its name in the reader's language."""
    if username == "system":
        return gettext("the system")
    if username and username.startswith("system/"):
        return gettext("the system (%(program)s)", program=gettext(username.partition("/")[2]))
    return username


def in_language(texts: dict | None, fallback: str = "") -> str:
    """Of a text kept in each language ({"zh": …, "en": …}), the reader's; ``fallback`` without."""
    if not texts:
        return fallback
    return texts.get("zh" if str(get_locale()).startswith("zh") else "en") or fallback


def init_messages(app: Flask) -> None:
    app.add_template_filter(say, "say")
    app.add_template_filter(say_all, "say_all")
    app.add_template_filter(actor, "actor")
    app.add_template_filter(problem, "problem")
    app.add_template_filter(row_problem, "row_problem")
    app.add_template_filter(in_language, "in_language")
