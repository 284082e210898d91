"""Helpers for server-rendered forms validated with the API's marshmallow schemas."""
from __future__ import annotations

from flask_babel import gettext

from shared.messages import Message
from shared.web.messages import problem, say, say_all


def form_errors(messages: dict, prefix: str = "") -> dict[str, str]:
    """Flatten marshmallow messages to {"members-0-name": "Missing data…"} for templates, each
    said in the reader's language (the API's 422 bodies keep marshmallow's English)."""
    flat = {}
    for key, value in messages.items():
        name = f"{prefix}-{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(form_errors(value, name))
        elif isinstance(value, list):
            flat[name] = " ".join(problem(str(v)) for v in value)
        else:
            flat[name] = problem(str(value))
    return flat


def refusal_said(refused) -> str:
    """What a service's refusal (shared/programs/refused.py) says, in the reader's language:
    its Message (or Messages), else its English as ``problem`` recognises it."""
    if isinstance(refused.said, list):
        return say_all(refused.said)
    return say(refused.said) if isinstance(refused.said, Message) else problem(refused.message)


def refusal_errors(refused, prefix: str = "") -> dict[str, str]:
    """A refusal as a form's errors (keyed as ``form_errors`` keys them): the Message it says
    under the field at fault, else (or where it names fields of its own) each field's problems
    as ``form_errors`` says them."""
    field = refused.field or "_schema"
    if isinstance(refused.said, Message) and refused.errors == {field: [refused.message]}:
        return {f"{prefix}-{field}" if prefix else field: say(refused.said)}
    return form_errors(refused.errors, prefix)


def yuan(fen) -> str:
    """Integer fen → '1,234.50' (display only; money is stored in fen)."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def yuan_to_fen(text: str):
    """'12.5' → 1250. Anything else is passed through so the schema reports it."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        whole, _, frac = text.partition(".")
        if not whole.lstrip("-").isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
            return text
        return int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0) * (-1 if whole.startswith("-") else 1)
    except ValueError:
        return text


def int_or_text(value: str):
    """'12' → 12; anything else is passed through so the schema reports it."""
    return int(value) if value.strip().isdigit() else value


def errors_in_a_sentence(errors: dict[str, str], labels: dict[str, str]) -> str:
    """form_errors' {"fields-income_per_capita_fen": "…"} as one sentence for a flash, each field
    by its label on the form (``labels``: a field's name, its last part, → the label's msgid;
    else the name's own catalogue entry, as codes have), the schema's own problems without one."""
    said = []
    for key, why in errors.items():
        name = next((part for part in reversed(key.split("-")) if not part.isdigit()), key)
        if name == "_schema":
            said.append(why)
        else:
            # TRANSLATORS: a form field's label and what is wrong with it (zh: %(field)s：%(problem)s)
            said.append(gettext("%(field)s: %(problem)s", field=gettext(labels.get(name, name)), problem=why))
    # TRANSLATORS: the separator between sentences said one after the other (zh: ；)
    return gettext("; ").join(said)


def refusal_in_a_sentence(refused, labels: dict[str, str]) -> str:
    """A service's refusal as one sentence for a flash: the Message it says, else each field's
    problems by the field's label (as ``errors_in_a_sentence``)."""
    if isinstance(refused.said, Message):
        return refusal_said(refused)
    return errors_in_a_sentence(form_errors(refused.errors), labels)
