"""marshmallow's messages said in the reader's language (issue 19): every message the installed
marshmallow can give is known to shared/validation_messages.py, with its parameters."""
import inspect
import re

import marshmallow
from marshmallow import Schema, ValidationError, fields, validate

from shared.messages import Codes, Message
from shared.validation_messages import TEMPLATES, message_of, templated


def _defaults() -> set[str]:
    """Every default message of marshmallow's fields, schemas and validators, with Range's and
    the date fields' parts put together as marshmallow does."""
    found = set(marshmallow.Schema._default_error_messages.values())
    for _, cls in inspect.getmembers(marshmallow.fields, inspect.isclass):
        found |= set(getattr(cls, "default_error_messages", {}).values())
    for _, cls in inspect.getmembers(validate, inspect.isclass):
        for name in ("default_message", "message_min", "message_max", "message_all", "message_equal"):
            if isinstance(getattr(cls, name, None), str) and cls is not validate.Range:
                found.add(getattr(cls, name))
    r = validate.Range
    for low in (r.message_gte, r.message_gt):
        found.add(r.message_min.format(min_op=low))
        for high in (r.message_lte, r.message_lt):
            found.add(r.message_all.format(min_op=low, max_op=high))
    for high in (r.message_lte, r.message_lt):
        found.add(r.message_max.format(max_op=high))
    expanded = set()
    for text in found:
        for obj_type in ("date", "datetime", "time"):
            for awareness in ("naive", "aware"):
                expanded.add(text.replace("{obj_type}", obj_type).replace("{awareness}", awareness))
    return {re.sub(r"\{(\w+)(![rs])?\}", r"%(\1)s", text) for text in expanded
            if not ("aware" in text and "date." in text)}


def test_every_marshmallow_message_is_known():
    known = set(TEMPLATES.values())
    missing = {t for t in _defaults() if t not in known and not t.endswith(("naive date.", "aware date."))}
    assert not missing, missing


def _problems(schema, data) -> list[str]:
    try:
        schema.load(data)
    except ValidationError as exc:
        return [m for ms in exc.messages.values() for m in ms]
    raise AssertionError("loaded")


def test_messages_are_recognised_with_their_parameters():
    schema = Schema.from_dict({
        "name": fields.String(required=True, validate=validate.Length(min=1, max=50)),
        "count": fields.Integer(validate=validate.Range(min=1, max=10)),
        "kind": fields.String(validate=validate.OneOf(["food", "basic_medical"])),
    })()
    required, = _problems(schema, {})
    assert message_of(required) == Message("required", "Missing data for required field.")
    too_long, = _problems(schema, {"name": "x" * 51})
    assert message_of(too_long) == Message("length_between", "Length must be between %(min)s and %(max)s.",
                                           {"min": "1", "max": "50"})
    out_of_range, = _problems(schema, {"name": "a", "count": 11})
    said = message_of(out_of_range)
    assert said.code == "range_gte_lte" and said.params == {"min": "1", "max": "10"} and str(said) == out_of_range
    not_integer, = _problems(schema, {"name": "a", "count": "x"})
    assert message_of(not_integer).code == "not_integer"
    one_of = message_of(_problems(schema, {"name": "a", "kind": "x"})[0])
    assert one_of.params == {"choices": Codes(["food", "basic_medical"])}


def test_a_services_own_message_is_kept_or_recognised_by_its_template():
    assert message_of("A month as YYYY-MM.") == Message("invalid", "A month as YYYY-MM.")
    template = templated("Not more than %(n)s test things, %(who)s.")
    said = message_of(template % {"n": 3, "who": "王"})
    assert said.text == template and said.params == {"n": "3", "who": "王"}


def test_a_message_is_stored_and_said_again():
    message = Message("x", "%(a)s %(b)s %(c)s", {"a": 1, "b": Codes(["food"]), "c": "text"})
    again = Message.from_stored(message.stored())
    assert again == message and isinstance(again.params["b"], Codes)
