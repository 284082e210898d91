"""The envelope and the catalogue: pure logic, no broker."""
import pytest

from shared.events import CATALOGUE, Envelope, InvalidEvent
from shared.events.topics import Topics

SALE = "cn.jingzhun.ecommerce.sale.recorded.v1"
HID = "H621202ABCDEFGHJK"


def sale_data(**kw):
    data = {"household_id": HID, "recorded_by": "u1", "sale_id": "S1", "product": "花椒", "quantity": 3,
            "unit": "kg", "amount_fen": 12000, "income_fen": 9000, "channel": "own_store", "sold_on": "2026-11-01"}
    data.update(kw)
    return data


def test_an_event_survives_the_kafka_binding():
    event = CATALOGUE.new_event(SALE, "ecommerce", HID, sale_data())
    key, value, headers = event.to_kafka()
    assert key == HID.encode()
    assert dict(headers)["ce_type"] == SALE.encode() and dict(headers)["ce_specversion"] == b"1.0"
    assert Envelope.from_kafka(key, value, headers) == event


@pytest.mark.parametrize("value, reason", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (None, "no value"),
])
def test_a_record_that_is_not_an_event_is_refused_with_a_reason(value, reason):
    _, _, headers = CATALOGUE.new_event(SALE, "ecommerce", HID, sale_data()).to_kafka()
    with pytest.raises(ValueError, match=reason):
        Envelope.from_kafka(HID.encode(), value, headers)


def test_missing_attributes_are_named():
    with pytest.raises(ValueError, match="id, type"):
        Envelope.from_kafka(b"k", b"{}", [("ce_source", b"x"), ("ce_subject", b"k"), ("ce_time", b"t")])


def test_a_key_that_is_not_the_subject_is_refused():
    key, value, headers = CATALOGUE.new_event(SALE, "ecommerce", HID, sale_data()).to_kafka()
    with pytest.raises(ValueError, match="key does not match"):
        Envelope.from_kafka(b"H621202ZZZZZZZZZZ", value, headers)


def test_invalid_data_is_refused_on_produce_naming_the_fields():
    with pytest.raises(InvalidEvent) as caught:
        CATALOGUE.new_event(SALE, "ecommerce", HID, sale_data(income_fen=20000, quantity="many", extra=1))
    assert {"quantity", "extra"} <= set(caught.value.errors)


def test_income_above_amount_is_refused():
    with pytest.raises(InvalidEvent, match="income_fen"):
        CATALOGUE.new_event(SALE, "ecommerce", HID, sale_data(income_fen=20000))


def test_unknown_types_are_refused():
    with pytest.raises(InvalidEvent, match="unknown event type"):
        CATALOGUE.check(Envelope(type="cn.jingzhun.x.y.v1", source="x", subject=HID, data={}))


def test_titles_are_readable_in_both_languages_with_yuan():
    event_type = CATALOGUE.get(SALE)
    assert event_type.title(sale_data(), "en") == "Sale recorded: 3 kg of 花椒, income ¥90.00"
    assert event_type.title(sale_data(), "zh_CN") == "记录销售：花椒 3kg，增收 ¥90.00"
    assert event_type.income_fen(sale_data()) == 9000


def test_every_declared_type_is_versioned_and_named_after_its_program():
    for event_type in CATALOGUE:
        parts = event_type.type.split(".")
        assert parts[:2] == ["cn", "jingzhun"] and parts[2] == event_type.program
        assert parts[-1].startswith("v") and parts[-1][1:].isdigit()


def test_topics_are_named_after_program_and_version():
    topics = Topics("jingzhun")
    assert topics.program("ecommerce") == "jingzhun.ecommerce.v1"
    assert topics.for_program_of(SALE) == "jingzhun.ecommerce.v1"
    assert topics.all()[topics.households] == {"cleanup.policy": "compact"}
