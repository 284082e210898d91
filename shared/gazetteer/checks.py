"""The one rule every write that names an area follows: the code must be in the official
edition in use (issue 16), at the level the field asks for. The format is the schema's
business (shared/events/types/common.py); this is about existence, so it needs the store."""
from __future__ import annotations

from shared.gazetteer.store import Gazetteer
from shared.messages import Code, Message, N_
from shared.programs.refused import Refused
from shared.validation_messages import templated


# templated: a form says the English of a refusal naming fields (Refused.of) in the reader's language.
_NOT_OFFICIAL = {"an area": templated(N_("%(code)s is not an area in the official codes (edition %(edition)s).")),
                 "a village": templated(N_("%(code)s is not a village in the official codes (edition %(edition)s)."))}


def not_official_said(gazetteer: Gazetteer, code: str, what: str = "an area") -> Message:
    """Why ``code`` is refused, in the words every such refusal uses ("an area" or "a village")."""
    return Message("not_official", _NOT_OFFICIAL[what],
                   {"code": code, "edition": gazetteer.edition() or Code(N_("none loaded"))})


def not_official(gazetteer: Gazetteer, code: str, what: str = "an area") -> str:
    """The same, in English (the API's)."""
    return str(not_official_said(gazetteer, code, what))


def unknown_areas(gazetteer: Gazetteer, **codes: str | None) -> dict[str, list[str]]:
    """{field: [why]} for each named code (None or '' skipped) the edition does not have."""
    named = {field: code for field, code in codes.items() if code}
    missing = gazetteer.unknown(named.values())
    return {field: [not_official(gazetteer, code)] for field, code in named.items() if code in missing}


def require_areas(gazetteer: Gazetteer, **codes: str | None) -> None:
    """Refuse (422, naming each field) codes the official edition does not have."""
    problems = unknown_areas(gazetteer, **codes)
    if problems:
        raise Refused.of(problems, 422)
