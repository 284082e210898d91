"""The one catalogue of event types.

Each program declares its event types in ``shared/events/types/<program>.py`` with
``declare(...)``; producers validate ``data`` before writing to the outbox and consumers
validate again on receipt. An event type's schema never changes incompatibly: a new
version gets a new type name (``...v2``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marshmallow import Schema, ValidationError

from shared.events.envelope import Envelope
from shared.events.occurrence import occurred_time


class InvalidEvent(ValueError):
    """An event that cannot be accepted; ``reason`` is meant for a dead-letter record."""

    def __init__(self, reason: str, errors: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or {}


@lru_cache(maxsize=None)
def _instance(schema: type[Schema]) -> Schema:
    """One instance per schema: building one costs more than validating an event with it
    (measured: a third of the registry consumer's own CPU went to building them), and a
    marshmallow schema without per-call state is safe to reuse, also across threads."""
    return schema()


@dataclass(frozen=True)
class EventType:
    type: str                    # cn.jingzhun.<program>.<entity>.<verb>.v<N>
    program: str                 # the program (= service) that publishes it
    schema: type[Schema]
    title_en: str                # shown on timelines; {placeholders} from data
    title_zh: str
    income_field: str | None = None   # data field with income to the household, in fen
    amount_field: str | None = None   # data field with money moved, in fen
    sign: int = 1                # -1 for events that reverse income (refunds)
    # Program enrolment status this event sets for the household ("enrolled", "exited", …).
    enrolment_status: str | None = None
    # A return-to-poverty risk signal (防返贫监测) this event raises for an exited household.
    risk: str | None = None
    # Other summary fields: ((summary_field, data_field, sign), …) added, ((summary_field, value), …) set.
    summary_inc: tuple = ()
    summary_set: tuple = ()
    # The household moves to the area these data fields name: ((file field, data field), …).
    # The registry applies it as a "move_area" change request decided by the system.
    moves_household_to: tuple = ()
    # The data field holding the day (or month) the occurrence happened: the event's time is
    # that day when it lies in the past (shared/events/occurrence.py). None: when recorded.
    occurred_on: str | None = None

    def validate(self, data: dict) -> dict:
        try:
            return _instance(self.schema).load(data)
        except ValidationError as exc:
            raise InvalidEvent(f"{self.type}: invalid data: {exc.messages}", exc.messages) from None

    def income_fen(self, data: dict) -> int:
        return self.sign * int(data.get(self.income_field) or 0) if self.income_field else 0

    def amount_fen(self, data: dict) -> int:
        return self.sign * int(data.get(self.amount_field) or 0) if self.amount_field else 0

    def title(self, data: dict, locale: str) -> str:
        template = self.title_zh if locale.startswith("zh") else self.title_en
        try:
            return template.format_map(_Values(data, locale))
        except (KeyError, ValueError, IndexError):
            return template


class _Values(dict):
    """Placeholders of a title: ``{x_fen:yuan}`` money in yuan, ``{x:label}`` a code
    (status, step, kind …) in the title's language, anything else as it is."""

    def __init__(self, data: dict, locale: str):
        super().__init__(data)
        self.locale = locale

    def __missing__(self, key):
        return "?"

    def __getitem__(self, key):
        if key.endswith("_fen"):
            return _Money(dict.get(self, key))
        if key == "reason":   # given in each language (FileEventData.reasons): the title's own
            reasons = dict.get(self, "reasons")
            own = reasons.get("zh" if self.locale.startswith("zh") else "en") if isinstance(reasons, dict) else None
            if isinstance(own, str) and own:
                return _Code(own, self.locale)
        return _Code(dict.get(self, key, "?"), self.locale)


class _Money:
    def __init__(self, fen):
        self.fen = fen

    def __format__(self, spec):
        if self.fen is None:
            return "?"
        return f"{int(self.fen) / 100:,.2f}" if spec == "yuan" else format(self.fen, spec)


class _Code:
    def __init__(self, value, locale: str):
        self.value = value
        self.locale = locale

    def __format__(self, spec):
        if spec == "label":
            return label(str(self.value), self.locale)
        return format(self.value, spec)


@lru_cache(maxsize=4)
def _translations(locale: str):
    from babel.support import Translations  # the UI's catalogues: one vocabulary everywhere
    return Translations.load(str(Path(__file__).resolve().parent.parent / "translations"), [locale], "messages")


def label(code: str, locale: str) -> str:
    """A code's label in zh_CN or en, from the UI's translation catalogues."""
    return _translations("zh_CN" if locale.startswith("zh") else "en").gettext(code)


class Catalogue:
    def __init__(self):
        self._types: dict[str, EventType] = {}

    def declare(self, event_type: EventType) -> EventType:
        if event_type.type in self._types:
            raise ValueError(f"event type declared twice: {event_type.type}")
        self._types[event_type.type] = event_type
        return event_type

    def get(self, type_name: str) -> EventType:
        try:
            return self._types[type_name]
        except KeyError:
            raise InvalidEvent(f"unknown event type {type_name!r}") from None

    def __iter__(self):
        return iter(sorted(self._types.values(), key=lambda t: t.type))

    def for_program(self, program: str) -> list[EventType]:
        return [t for t in self if t.program == program]

    def new_event(self, type_name: str, source: str, subject: str, data: dict, time: str | None = None) -> Envelope:
        """Build an envelope after validating ``data`` against the declared schema. Its time:
        ``time`` if given, else the day its ``occurred_on`` field names when that day is past,
        else now."""
        event_type = self.get(type_name)
        clean = _instance(event_type.schema).dump(event_type.validate(data))
        if time is None and event_type.occurred_on:
            time = occurred_time(clean.get(event_type.occurred_on))
        if time is None:
            return Envelope(type=type_name, source=source, subject=subject, data=clean)
        return Envelope(type=type_name, source=source, subject=subject, data=clean, time=time)

    def check(self, envelope: Envelope) -> EventType:
        """Validate a received envelope; raise InvalidEvent with the reason."""
        event_type = self.get(envelope.type)
        event_type.validate(envelope.data)
        return event_type


CATALOGUE = Catalogue()


def load_all_types() -> Catalogue:
    """Import every program's declarations (idempotent) and return the catalogue."""
    from shared.events import types  # noqa: F401  (registers on import)
    return CATALOGUE
