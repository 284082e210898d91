"""Hypothesis strategies from the catalogue's marshmallow schemas: data a producer could
send, built from each field's type and validators (Length, Range, OneOf, Regexp), so a new
event type is covered the day it is declared."""
from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from marshmallow import Schema, fields, validate

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


def _validators(field, kind):
    return [v for v in (field.validators or []) if isinstance(v, kind)]


def _sized(strategy, field):
    for length in _validators(field, validate.Length):
        low, high = length.min, length.max
        if length.equal is not None:
            low = high = length.equal
        strategy = strategy.filter(lambda s, lo=low, hi=high: (lo is None or len(s) >= lo) and (hi is None or len(s) <= hi))
    return strategy


def for_field(field: fields.Field) -> st.SearchStrategy:
    one_of = _validators(field, validate.OneOf)
    if one_of:
        return st.sampled_from(list(one_of[0].choices))
    if isinstance(field, fields.Nested):
        schema = field.schema
        inner = for_schema(schema)
        return st.lists(inner, max_size=3) if field.many else inner
    if isinstance(field, fields.List):
        lengths = _validators(field, validate.Length)
        low = lengths[0].min if lengths and lengths[0].min else 0
        high = lengths[0].max if lengths and lengths[0].max is not None else max(low, 3)
        return st.lists(for_field(field.inner), min_size=low, max_size=min(high, low + 3))
    if isinstance(field, fields.Boolean):
        return st.booleans()
    if isinstance(field, (fields.Integer, fields.Float)):
        low, high = -10**12, 10**12
        for r in _validators(field, validate.Range):
            if r.min is not None:
                low = max(low, r.min + (0 if r.min_inclusive else 1))
            if r.max is not None:
                high = min(high, r.max - (0 if r.max_inclusive else 1))
        if isinstance(field, fields.Float):
            return st.floats(low, high, allow_nan=False, allow_infinity=False)
        return st.integers(int(low), int(high))
    if isinstance(field, fields.DateTime):
        return st.datetimes().map(lambda d: d.isoformat())
    if isinstance(field, fields.Date):
        return st.dates(date(2000, 1, 1), date(2040, 12, 31)).map(date.isoformat)
    if isinstance(field, fields.Dict):
        return st.dictionaries(st.text("abcdefgh_", min_size=1, max_size=8), st.integers(0, 10**6) | TEXT, max_size=3)
    if isinstance(field, fields.String):
        patterns = _validators(field, validate.Regexp)
        if patterns:
            strategy = st.from_regex(patterns[0].regex, fullmatch=True)
            for extra in patterns[1:]:
                strategy = strategy.filter(lambda s, rx=extra.regex: rx.match(s) is not None)
        else:
            strategy = TEXT
        return _sized(strategy, field)
    return TEXT


def for_schema(schema: Schema) -> st.SearchStrategy:
    required, optional = {}, {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        key = field.data_key or name
        value = for_field(field)
        if field.allow_none:
            value = st.none() | value
        (required if field.required else optional)[key] = value
    return st.fixed_dictionaries(required, optional=optional)


# Values of the wrong type for a field: a dict where a value is expected (the shape of an
# operator injection), a list, a string for a number, a number for a string.
def wrong_value(field: fields.Field):
    if isinstance(field, (fields.Integer, fields.Float, fields.Boolean, fields.Date)):
        return st.sampled_from([{"$gt": ""}, ["1"], "not a value"])
    if isinstance(field, (fields.Nested, fields.Dict)):
        return st.sampled_from(["text", 12, ["x"]])
    if isinstance(field, fields.List):
        return st.sampled_from(["text", {"$gt": ""}])
    return st.sampled_from([{"$gt": ""}, ["x"], 12])
