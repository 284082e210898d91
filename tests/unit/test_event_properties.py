"""Property tests on every event type in the catalogue and on the envelope: what a producer
makes is accepted on consume, exactly as sent; what is not valid is refused with a reason
(InvalidEvent / ValueError naming the problem) — never another exception."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from marshmallow import ValidationError

from shared.events.catalogue import InvalidEvent, load_all_types
from shared.events.envelope import Envelope
from tests.unit.event_strategies import for_schema, wrong_value

CATALOGUE = load_all_types()
TYPES = list(CATALOGUE)
FALLBACK_SUBJECT = "H621202ABCDEFGHJK"
# Small in `make test`; a soak run raises it (JINGZHUN_PROPERTY_EXAMPLES=500).
EXAMPLES = int(os.environ.get("JINGZHUN_PROPERTY_EXAMPLES", "8"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.filter_too_much])


def _draw_valid(data, event_type) -> dict:
    """Data the schema accepts; schema-level rules (one field against another) may refuse
    a random combination — those examples are skipped, field-level errors are not."""
    schema = event_type.schema()
    raw = data.draw(for_schema(schema))
    try:
        schema.load(raw)
    except ValidationError as exc:
        alone = [k for k in exc.messages if k in schema.fields and _refused_alone(schema.fields[k], raw.get(k))]
        assume(alone)   # skipped: only rules across fields refused it
        raise AssertionError(f"the strategy made a field the schema refuses: {exc.messages}") from None
    return raw


def _refused_alone(field, value) -> bool:
    try:
        field.deserialize(value)
    except ValidationError:
        return True
    return False


def test_the_catalogue_has_every_program():
    assert {t.program for t in TYPES} >= {"registry", "ecommerce", "tourism", "photovoltaic"}


@pytest.mark.parametrize("event_type", TYPES, ids=lambda t: t.type)
@PROPERTY
@given(data=st.data())
def test_what_a_producer_makes_is_accepted_on_consume_exactly(event_type, data):
    raw = _draw_valid(data, event_type)
    subject = raw.get("household_id") or FALLBACK_SUBJECT
    sent = CATALOGUE.new_event(event_type.type, "tests", subject, raw)
    key, value, headers = sent.to_kafka()
    received = Envelope.from_kafka(key, value, headers)
    assert received == sent
    assert CATALOGUE.check(received) is event_type
    assert json.loads(value) == sent.data


@pytest.mark.parametrize("event_type", TYPES, ids=lambda t: t.type)
@PROPERTY
@given(data=st.data())
def test_a_missing_or_wrongly_typed_field_is_refused_naming_it(event_type, data):
    raw = _draw_valid(data, event_type)
    schema = event_type.schema()
    name = data.draw(st.sampled_from(sorted(n for n, f in schema.fields.items() if not f.dump_only)))
    field = schema.fields[name]
    key = field.data_key or name
    broken = dict(raw)
    if field.required and data.draw(st.booleans()):
        broken.pop(key, None)
    else:
        broken[key] = data.draw(wrong_value(field))
    with pytest.raises(InvalidEvent) as refused:
        event_type.validate(broken)
    assert key in refused.value.errors and event_type.type in refused.value.reason


@pytest.mark.parametrize("event_type", TYPES, ids=lambda t: t.type)
def test_an_unknown_field_is_refused(event_type):
    with pytest.raises(InvalidEvent) as refused:
        event_type.validate({"$where": "1"})
    assert "$where" in refused.value.errors


def test_an_unknown_type_is_refused_with_its_name():
    with pytest.raises(InvalidEvent, match="unknown event type 'cn.jingzhun.nobody.thing.v1'"):
        CATALOGUE.check(Envelope("cn.jingzhun.nobody.thing.v1", "tests", FALLBACK_SUBJECT, {}))


HEADER_NAMES = st.sampled_from(["ce_id", "ce_type", "ce_source", "ce_subject", "ce_time", "ce_specversion",
                                "content-type", "other"])


@settings(max_examples=EXAMPLES * 20, deadline=None)
@given(key=st.none() | st.binary(max_size=40), value=st.none() | st.binary(max_size=200) | st.builds(
    lambda d: json.dumps(d).encode(), st.recursive(st.none() | st.integers() | st.text(max_size=10),
                                                   lambda inner: st.lists(inner, max_size=3)
                                                   | st.dictionaries(st.text(max_size=5), inner, max_size=3))),
       headers=st.lists(st.tuples(HEADER_NAMES, st.none() | st.binary(max_size=40)), max_size=8))
def test_any_record_is_an_envelope_or_refused_with_a_reason(key, value, headers):
    try:
        envelope = Envelope.from_kafka(key, value, headers)
    except ValueError as exc:
        assert str(exc)
        return
    try:
        CATALOGUE.check(envelope)
    except InvalidEvent as exc:
        assert exc.reason


@settings(max_examples=EXAMPLES * 5, deadline=None)
@given(data=st.data())
def test_an_envelope_survives_the_kafka_binding(data):
    event_type = data.draw(st.sampled_from(TYPES))
    raw = data.draw(for_schema(event_type.schema()))
    subject = data.draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20))
    envelope = Envelope(event_type.type, data.draw(st.text(min_size=1, max_size=10).filter(str.strip)),
                        subject, raw)
    assume(envelope.source.strip() and subject.strip())
    assert Envelope.from_kafka(*envelope.to_kafka()) == envelope
