"""The feed's pure parts: cursor encoding, filters, CSV cells, SSE framing and timing."""
import base64

import pytest
from hypothesis import given, strategies as st
from kafka.errors import KafkaError, KafkaTimeoutError

from shared.events.envelope import Envelope
from services.registry.adapters.stream_reader import Page, ReaderPool
from services.registry.domain.feed import CursorError, FeedFilter, county_of_entry, decode_cursor, encode_cursor
from services.registry.api import feed
from services.registry.api.feed import csv_row, sse_events, sse_message
from services.registry.feed import BrokerUnavailable, Feed, LiveReader
from shared.web.csv_export import csv_cell, yuan_cell

HID = "H621202ABCDEFGHJK"
RECORDED = "cn.jingzhun.registry.assistance.recorded.v1"


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# --- cursor ---------------------------------------------------------------------------
@given(st.dictionaries(st.integers(0, 999_999), st.integers(0, 2**62), max_size=50))
def test_a_cursor_decodes_to_the_positions_it_encodes(positions):
    cursor = encode_cursor(positions)
    assert decode_cursor(cursor) == positions
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_cursor_is_the_per_partition_next_offsets():
    assert encode_cursor({2: 7, 0: 12, 1: 40}) == b64("0:12,1:40,2:7")
    assert decode_cursor(b64("0:12,1:40,2:7")) == {0: 12, 1: 40, 2: 7}


@pytest.mark.parametrize("cursor", [None, ""])
def test_no_cursor_means_from_the_beginning(cursor):
    assert decode_cursor(cursor) == {}


@pytest.mark.parametrize("cursor", [
    "%%%", "not base64!", b64("0:1,0:2"), b64("0:-1"), b64("a:1"), b64("0:1,"), b64("0:1;1:2"),
    b64("0:1\n"), base64.urlsafe_b64encode(b"\xff\xfe").decode(), "A" * 5000,
])
def test_a_cursor_we_did_not_make_is_refused(cursor):
    with pytest.raises(CursorError):
        decode_cursor(cursor)


# --- filters --------------------------------------------------------------------------
def envelope(data=None, type_=RECORDED, subject=HID) -> Envelope:
    base = {"program": "ecommerce", "event_type": "cn.jingzhun.ecommerce.sale.recorded.v1",
            "county_code": "621202", "village": "寺背村"}
    return Envelope(type=type_, source="registry", subject=subject, data=base if data is None else data)


@pytest.mark.parametrize("where, matches", [
    (FeedFilter(), True),
    (FeedFilter(program="ecommerce"), True),
    (FeedFilter(program="tourism"), False),
    (FeedFilter(event_type="cn.jingzhun.ecommerce.sale.recorded.v1"), True),
    (FeedFilter(event_type=RECORDED), True),
    (FeedFilter(event_type="cn.jingzhun.tourism.stay.recorded.v1"), False),
    (FeedFilter(county="621202", village="寺背村"), True),
    (FeedFilter(county="621222"), False),
    (FeedFilter(village="别的村"), False),
])
def test_filters_apply_to_program_event_type_county_and_village(where, matches):
    assert where.matches(envelope()) is matches


def test_an_entry_without_a_county_belongs_to_its_households_county_or_to_none():
    assert county_of_entry(envelope(data={})) == "621202"
    assert county_of_entry(envelope(data={}, subject="not-a-household")) is None
    assert not FeedFilter(county="621202").matches(envelope(data={}, subject="not-a-household"))


# --- CSV ------------------------------------------------------------------------------
@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("花椒 = 12kg", "花椒 = 12kg"), ("a-b", "a-b"), ("", ""), (None, ""), (621202, "621202"),
])
def test_csv_cells_that_a_spreadsheet_would_run_get_a_quote(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize("fen, text", [(60000, "600.00"), (5, "0.05"), (123456789, "1234567.89"),
                                       (-250, "-2.50"), (None, ""), ("600", ""), (True, "")])
def test_money_cells_are_plain_yuan_numbers(fen, text):
    assert yuan_cell(fen) == text


def test_a_csv_row_takes_what_is_there_and_leaves_the_rest_empty():
    entry = {"time": "2026-11-01T08:00:00.000Z", "type": "cn.jingzhun.registry.other.v1", "subject": HID,
             "data": {"title_en": "=cmd|' /C calc'!A0", "income_fen": 100}}
    assert csv_row(entry) == ["2026-11-01T08:00:00.000Z", HID, "", "cn.jingzhun.registry.other.v1",
                              "'=cmd|' /C calc'!A0", "", "1.00", "", "", ""]


# --- SSE ------------------------------------------------------------------------------
def test_an_sse_message_is_id_event_data_and_cannot_be_split_by_its_content():
    entry = {"cursor": "MDox", "id": "e1", "type": "evil\nid: 0", "time": "t", "subject": HID,
             "data": {"title_en": "two\nlines"}}
    message = sse_message(entry)
    assert message.startswith("id: MDox\nevent: evilid: 0\ndata: {")
    assert message.endswith("}\n\n") and message.count("\n") == 4


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class QuietReader:
    """Nothing new on the stream: every read returns the same position."""

    def __init__(self):
        self.closed = False
        self.reads = 0

    def read_page(self, cursor, where, limit, max_wait_s):
        self.reads += 1
        return Page([], "MDox", False)

    def close(self):
        self.closed = True


def test_a_quiet_stream_sends_keep_alives_then_ends_and_closes_its_reader():
    clock, reader = Clock(), QuietReader()
    messages = list(sse_events(reader, "MDox", FeedFilter(), 40, clock=clock, sleep=clock.sleep))
    assert messages[0] == f"retry: {feed.SSE_RETRY_MS}\n\n"
    assert messages.count(": keep-alive\n\n") == 2  # at ~15 s and ~30 s of silence
    assert clock.now == pytest.approx(40) and reader.closed and reader.reads == 40


def test_a_client_that_goes_away_closes_the_reader():
    clock, reader = Clock(), QuietReader()
    stream = sse_events(reader, None, FeedFilter(), 300, clock=clock, sleep=clock.sleep)
    assert next(stream).startswith("retry:")
    assert next(stream) == "id: MDox\n\n"  # the position reached, without an event
    stream.close()
    assert reader.closed


class GoneReader(QuietReader):
    """The broker went away."""

    def read_page(self, cursor, where, limit, max_wait_s=5.0):
        raise KafkaTimeoutError("Unable to bootstrap")

    def tail(self, where, count):
        raise KafkaTimeoutError("Unable to bootstrap")


def test_a_broker_gone_mid_stream_ends_the_stream_and_closes_the_reader():
    clock, reader = Clock(), GoneReader()
    messages = list(sse_events(LiveReader(reader), None, FeedFilter(), 300, clock=clock, sleep=clock.sleep))
    assert messages == [f"retry: {feed.SSE_RETRY_MS}\n\n"] and reader.closed


def test_a_broker_that_cannot_be_reached_is_a_503_refusal_and_its_reader_is_not_kept():
    readers = []
    part = Feed(ReaderPool(lambda: readers.append(GoneReader()) or readers[-1]))
    for read in (lambda: part.page(None, FeedFilter(), 50), lambda: part.latest(FeedFilter(), 50),
                 lambda: part.export(None, FeedFilter(), 10, list, 5, 60)):
        with pytest.raises(BrokerUnavailable) as refused:
            read()
        assert refused.value.status == 503 and isinstance(refused.value.__cause__, KafkaError)
    assert len(readers) == 3 and all(r.closed for r in readers)
