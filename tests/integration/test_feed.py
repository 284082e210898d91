"""The consolidated stream over HTTP, read from the real stream topic on the real broker.

Events go straight onto the stream topic (as the registry relay would put them), except in
the last test, where a real sale travels the whole pipeline. Every test filters on its own
village, or checks against everything this module published, because the topic is shared
by the module's tests.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict

import pytest

from shared.events.envelope import Envelope
from shared.household_ids import new_household_id
from shared.kafka.producer import make_producer, send_envelope
from services.registry.adapters.stream_reader import ReaderPool, StreamReader
from services.registry.domain.feed import CursorError, FeedFilter
from tests.integration.conftest import sale_for
from tests.support import wait_until

RECORDED = "cn.jingzhun.registry.assistance.recorded.v1"
SALE = "cn.jingzhun.ecommerce.sale.recorded.v1"
STAY = "cn.jingzhun.tourism.stay.recorded.v1"
WUDU, WENXIAN = "621202", "621222"


class Stream:
    """Publishes onto the module's stream topic and remembers what it published, in order."""

    def __init__(self, system):
        self.system = system
        self.topic = system.topics.stream
        self.producer = make_producer(system.settings["registry"], client_id="tests-feed")
        self.published: list[Envelope] = []
        self.seq = defaultdict(int)

    def recorded(self, hid: str, village: str, program: str = "ecommerce", **data) -> Envelope:
        """An assistance.recorded event; ``seq`` numbers each household's events in order."""
        self.seq[hid] += 1
        event_type = SALE if program == "ecommerce" else STAY
        body = {"household_id": hid, "event_id": f"src-{hid}-{self.seq[hid]}", "event_type": event_type,
                "program": program, "occurred_at": "2026-11-01T08:00:00.000Z",
                "title_en": f"{program} #{self.seq[hid]}", "title_zh": f"{program} 第{self.seq[hid]}次",
                "income_fen": 60000, "amount_fen": 72000, "county_code": hid[1:7], "village": village,
                "total_income_fen": 60000 * self.seq[hid], "data": {"seq": self.seq[hid]}}
        body.update(data)
        return Envelope(type=RECORDED, source="registry", subject=hid, data=body)

    def publish(self, *envelopes: Envelope) -> list[Envelope]:
        for envelope in envelopes:
            send_envelope(self.producer, self.topic, envelope)
        self.producer.flush()  # acks=all: readable by the feed once this returns
        self.published.extend(envelopes)
        return list(envelopes)

    def publish_raw(self, key: bytes, value: bytes):
        self.producer.send(self.topic, key=key, value=value)
        self.producer.flush()


@pytest.fixture(scope="module")
def stream(system):
    s = Stream(system)
    yield s
    s.producer.close(timeout=10)


@pytest.fixture(scope="module")
def base(stream):
    """The module's first events: two counties, two programs, five events a household,
    one event of another type (no program, no county in its data) and one record that is
    not an event at all."""
    households = [new_household_id(WUDU if i % 2 else WENXIAN) for i in range(8)]

    def round_():
        return [stream.recorded(hid, f"村{i % 2}", "ecommerce" if i % 4 < 2 else "tourism")
                for i, hid in enumerate(households)]

    events = stream.publish(*round_(), *round_())
    stream.publish_raw(households[0].encode(), b"{not an event")
    other = Envelope(type="cn.jingzhun.registry.household.snapshot.v1", source="registry",
                     subject=households[1], data={"household_id": households[1], "head_name": "王建国"})
    stream.publish(other)
    events += stream.publish(*round_(), *round_(), *round_())
    return {"households": households, "events": events, "other": other}


def get(system, user, path, **kw):
    return system.client("registry").get(path, headers={**system.headers(user), **kw.pop("headers", {})}, **kw)


def read_all(system, user="central", limit=7, **params) -> list[dict]:
    """Page through the feed from the beginning; fail if a page does not move forward."""
    items, cursor = [], None
    for _ in range(1000):
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        r = get(system, user, "/api/feed", query_string=query)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        assert len(body["items"]) <= limit
        items.extend(body["items"])
        if not body["has_more"]:
            return items
        assert body["next_cursor"] != cursor, "a page made no progress"
        cursor = body["next_cursor"]
    raise AssertionError("the feed never ended")


def assert_household_order(items):
    seen = defaultdict(list)
    for item in items:
        if item["type"] == RECORDED:
            seen[item["subject"]].append(item["data"]["data"]["seq"])
    for hid, seqs in seen.items():
        assert seqs == sorted(seqs), f"{hid} out of order: {seqs}"


# --- paging ---------------------------------------------------------------------------
def test_paging_returns_every_entry_once_in_household_order(system, stream, base):
    items = read_all(system, limit=7)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), "an entry came twice"
    assert set(ids) == {e.id for e in stream.published}  # the broken record is skipped, not shown
    assert_household_order(items)
    times = [item["time"] for item in items]
    assert times == sorted(times), "partitions are merged by event time"
    first = items[0]
    assert set(first) == {"cursor", "id", "type", "time", "subject", "data"}
    assert first["data"]["county_code"] == first["subject"][1:7]

    # Every entry's cursor resumes right after it, whatever the page size.
    for k in (0, 13, len(items) - 2):
        rest = get(system, "central", "/api/feed", query_string={"cursor": items[k]["cursor"], "limit": 500})
        assert [i["id"] for i in rest.get_json()["items"]] == ids[k + 1:]
    end = get(system, "central", "/api/feed", query_string={"cursor": items[-1]["cursor"]}).get_json()
    assert end["items"] == [] and end["has_more"] is False and end["next_cursor"] == items[-1]["cursor"]


def test_new_events_continue_from_the_last_cursor(system, stream, base):
    cursor = get(system, "central", "/api/feed", query_string={"limit": 500}).get_json()["next_cursor"]
    hid = base["households"][2]
    new = stream.publish(stream.recorded(hid, "村0"), stream.recorded(hid, "村0"))
    body = get(system, "central", "/api/feed", query_string={"cursor": cursor}).get_json()
    assert [i["id"] for i in body["items"]] == [e.id for e in new]
    assert body["has_more"] is False


def test_a_sparse_filter_scans_a_bounded_number_of_records_and_says_where_it_got(system, stream, base):
    settings = system.settings["registry"]
    with StreamReader(settings.kafka_bootstrap_servers, system.topics.stream) as reader:
        pages, cursor = [], None
        while not pages or pages[-1].has_more:
            pages.append(reader.read_page(cursor, FeedFilter(village="nowhere"), limit=10, max_scan=5))
            assert pages[-1].next_cursor != cursor
            cursor = pages[-1].next_cursor
    assert all(p.items == [] for p in pages)
    assert all(p.scanned == 5 for p in pages[:-1]) and 1 <= pages[-1].scanned <= 5
    assert sum(p.scanned for p in pages) == len(stream.published) + 1  # + the record that is not an event


def test_a_bad_cursor_or_limit_is_refused_with_the_field_named(system):
    r = get(system, "central", "/api/feed", query_string={"cursor": "bm90IGEgY3Vyc29y", "limit": 501})
    assert r.status_code == 422
    assert set(r.get_json()["errors"]["query"]) == {"cursor", "limit"}


# --- filters --------------------------------------------------------------------------
@pytest.mark.parametrize("params, expect", [
    ({"program": "tourism"}, lambda e: e.data.get("program") == "tourism"),
    ({"county": WENXIAN}, lambda e: e.subject[1:7] == WENXIAN),
    ({"county": WUDU}, lambda e: e.subject[1:7] == WUDU),  # the snapshot too, by its household id
    ({"event_type": SALE}, lambda e: e.data.get("event_type") == SALE),
    ({"event_type": "cn.jingzhun.registry.household.snapshot.v1"}, lambda e: e.type.endswith("snapshot.v1")),
    ({"event_type": RECORDED}, lambda e: e.type == RECORDED),
    ({"county": WUDU, "program": "ecommerce", "village": "村1"},
     lambda e: e.subject[1:7] == WUDU and e.data.get("program") == "ecommerce" and e.data.get("village") == "村1"),
])
def test_filters(system, stream, base, params, expect):
    items = read_all(system, limit=5, **params)
    wanted = [e.id for e in stream.published if expect(e)]
    assert wanted, "the filter should match something"
    assert sorted(i["id"] for i in items) == sorted(wanted)
    assert_household_order(items)


def test_other_event_types_pass_through_unchanged(system, base):
    other = base["other"]
    [item] = [i for i in read_all(system, limit=50) if i["id"] == other.id]
    assert item["type"] == other.type and item["data"] == other.data and item["subject"] == other.subject


# --- county scope ---------------------------------------------------------------------
def test_a_county_operator_sees_only_their_county(system, stream, base):
    items = read_all(system, user="county_wenxian", limit=50)
    assert items and all(i["subject"][1:7] == WENXIAN for i in items)
    assert {i["id"] for i in items} == {e.id for e in stream.published if e.subject[1:7] == WENXIAN}
    own = read_all(system, user="county_wenxian", limit=50, county=WENXIAN)
    assert [i["id"] for i in own] == [i["id"] for i in items]


@pytest.mark.parametrize("path", ["/api/feed", "/api/feed/stream", "/api/feed.csv"])
def test_another_county_is_forbidden_and_nobody_is_unauthorized(system, path):
    assert get(system, "county_wenxian", path, query_string={"county": WUDU}).status_code == 403
    assert get(system, "county_wudu", path, query_string={"county": WENXIAN}).status_code == 403
    assert get(system, None, path).status_code == 401


# --- Server-Sent Events ---------------------------------------------------------------
class SSE:
    """An open SSE response from the test client, read message by message."""

    def __init__(self, response):
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/event-stream"
        self.response = response
        self.chunks = iter(response.response)
        self.buffer = b""
        self.last_id = None
        self.retry = None

    def messages(self):
        for chunk in self.chunks:
            self.buffer += chunk if isinstance(chunk, bytes) else chunk.encode()
            while b"\n\n" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\n\n", 1)
                message = {}
                for line in raw.decode().split("\n"):
                    name, _, value = line.partition(": ")
                    message[name] = value
                if "id" in message:
                    self.last_id = message["id"]  # what EventSource sends back as Last-Event-ID
                if "retry" in message:
                    self.retry = int(message["retry"])
                yield message

    def events(self, count: int) -> list[dict]:
        """The next ``count`` events (the stream's max_seconds bounds the wait)."""
        got = []
        for message in self.messages():
            if "data" in message:
                entry = json.loads(message["data"])
                assert message["id"] == entry["cursor"] and message["event"] == entry["type"]
                got.append(entry)
                if len(got) == count:
                    break
        return got

    def close(self):
        self.response.close()


def open_stream(system, user="central", last_event_id=None, **params) -> SSE:
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    return SSE(get(system, user, "/api/feed/stream", query_string={"max_seconds": 30, **params},
                   headers=headers, buffered=False))


def test_the_live_stream_resumes_from_last_event_id_without_loss_or_repetition(system, stream):
    hids = [new_household_id(WUDU), new_household_id(WENXIAN)]
    first = stream.publish(*[stream.recorded(hids[i % 2], "SSE村") for i in range(6)])

    sse = open_stream(system, village="SSE村")
    part1 = sse.events(3)
    sse.close()  # the client goes away mid-stream
    # Two households, two partitions: merged by event time, so not necessarily as published.
    assert len(part1) == 3 and {e["id"] for e in part1} <= {e.id for e in first}
    assert sse.retry and sse.last_id == part1[-1]["cursor"]

    second = stream.publish(*[stream.recorded(hids[i % 2], "SSE村") for i in range(4)])
    # As EventSource reconnects: Last-Event-ID wins over the URL's (older) ?cursor=.
    stale = part1[0]["cursor"]
    sse = open_stream(system, last_event_id=sse.last_id, cursor=stale, village="SSE村")
    part2 = sse.events(7)
    sse.close()

    union = [e["id"] for e in part1 + part2]
    assert len(union) == len(set(union)) == 10
    assert set(union) == {e.id for e in first + second}
    assert_household_order(part1 + part2)


def test_the_live_stream_ends_by_itself_and_a_bad_last_event_id_is_refused(system, stream):
    hid = new_household_id(WUDU)
    [event] = stream.publish(stream.recorded(hid, "SSE-end村"))
    sse = open_stream(system, max_seconds=1, village="SSE-end村")
    messages = list(sse.messages())  # returns: the server ended the stream
    assert [json.loads(m["data"])["id"] for m in messages if "data" in m] == [event.id]
    assert sse.last_id  # a later reconnect continues from here
    r = get(system, "central", "/api/feed/stream", headers={"Last-Event-ID": "%%%"})
    assert r.status_code == 422 and "Last-Event-ID" in r.get_json()["errors"]["headers"]


def test_a_county_operator_streams_only_their_county(system, stream):
    mine, theirs = new_household_id(WENXIAN), new_household_id(WUDU)
    published = stream.publish(stream.recorded(theirs, "SSE-scope村"), stream.recorded(mine, "SSE-scope村"),
                               stream.recorded(theirs, "SSE-scope村"), stream.recorded(mine, "SSE-scope村"))
    sse = open_stream(system, user="county_wenxian", max_seconds=2, village="SSE-scope村")
    got = [json.loads(m["data"]) for m in sse.messages() if "data" in m]
    assert [e["id"] for e in got] == [e.id for e in published if e.subject == mine]


# --- CSV export -----------------------------------------------------------------------
def parse_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so spreadsheets read the Chinese as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_has_the_entries_and_no_formula_runs(system, stream):
    hid = new_household_id(WUDU)
    events = stream.publish(
        stream.recorded(hid, "CSV村", title_en="=HYPERLINK(\"http://evil\",\"x\")", title_zh="+1+2",
                        income_fen=60000, amount_fen=72050),
        stream.recorded(hid, "CSV村", "tourism", title_en="-3", title_zh="@SUM(A1:A9)", income_fen=5),
        stream.recorded(hid, "CSV村", title_en="Sale recorded: 12 kg of 花椒", title_zh="记录销售：花椒 12kg"),
    )
    rows = parse_csv(get(system, "auditor", "/api/feed.csv", query_string={"village": "CSV村"}))
    assert rows[0] == ["time", "household_id", "program", "event_type", "title_en", "title_zh",
                       "income_yuan", "amount_yuan", "county_code", "village"]
    assert rows[1:] == [
        [events[0].time, hid, "ecommerce", SALE, "'=HYPERLINK(\"http://evil\",\"x\")", "'+1+2",
         "600.00", "720.50", WUDU, "CSV村"],
        [events[1].time, hid, "tourism", STAY, "'-3", "'@SUM(A1:A9)", "0.05", "720.00", WUDU, "CSV村"],
        [events[2].time, hid, "ecommerce", SALE, "Sale recorded: 12 kg of 花椒", "记录销售：花椒 12kg",
         "600.00", "720.00", WUDU, "CSV村"],
    ]


def test_csv_export_is_bounded_and_says_where_to_continue(system, stream):
    hid = new_household_id(WENXIAN)
    events = stream.publish(*[stream.recorded(hid, "CSV-limit村") for _ in range(5)])
    r = get(system, "central", "/api/feed.csv", query_string={"village": "CSV-limit村", "limit": 2})
    assert [row[4] for row in parse_csv(r)[1:]] == [e.data["title_en"] for e in events[:2]]
    assert r.headers["X-Has-More"] == "true"
    rest = get(system, "central", "/api/feed.csv",
               query_string={"village": "CSV-limit村", "cursor": r.headers["X-Next-Cursor"]})
    assert [row[4] for row in parse_csv(rest)[1:]] == [e.data["title_en"] for e in events[2:]]
    assert rest.headers["X-Has-More"] == "false"
    assert get(system, "central", "/api/feed.csv", query_string={"limit": 100001}).status_code == 422


def test_csv_export_keeps_a_county_operator_in_their_county(system, stream, base):
    rows = parse_csv(get(system, "county_wudu", "/api/feed.csv"))[1:]
    assert rows and {row[1][1:7] for row in rows} == {WUDU}
    assert {row[1] for row in rows} >= {h for h in base["households"] if h[1:7] == WUDU}


# --- the page -------------------------------------------------------------------------
def test_the_feed_page_shows_the_latest_entries_in_the_callers_county(system, stream, base):
    web = system.client("registry")
    with web.session_transaction() as session:
        session["user"] = "county_wudu"
    page = web.get("/feed?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Consolidated stream" in html and "Download CSV" in html
    shown = set(re.findall(r"H[0-9]{6}[0-9A-Z]{10}", html))
    newest = [e.subject for e in stream.published if e.subject[1:7] == WUDU][-1]
    assert newest in shown and {h[1:7] for h in shown} == {WUDU}
    assert "/api/feed/stream?" in html and "cursor=" in html and "county=621202" in html
    assert web.get("/feed?county=621222").status_code == 403
    bad = web.get("/feed?county=6212&lang=en")
    assert bad.status_code == 422 and 'data-error-for="county"' in bad.get_data(as_text=True)
    script = web.get("/feed-assets/feed.js")
    assert script.status_code == 200 and b"EventSource" in script.data
    script.close()

    anonymous = system.client("registry").get("/feed")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_live_view_starts_right_after_what_the_page_shows(system, stream):
    web = system.client("registry")
    with web.session_transaction() as session:
        session["user"] = "central"
    html = web.get("/feed?program=tourism").get_data(as_text=True)
    start = html.index('data-stream-url="') + len('data-stream-url="')
    url = html[start:html.index('"', start)].replace("&amp;", "&")
    hid = new_household_id(WUDU)
    new = stream.publish(stream.recorded(hid, "page村", "tourism"), stream.recorded(hid, "page村", "ecommerce"),
                         stream.recorded(hid, "page村", "tourism"))
    sse = SSE(web.get(url + "&max_seconds=30", buffered=False))
    got = sse.events(2)
    sse.close()
    assert [e["id"] for e in got] == [new[0].id, new[2].id]


# --- the whole pipeline ---------------------------------------------------------------
def test_a_recorded_sale_reaches_the_feed(system, enrolled_household):
    for name in ("registry-consumer", "registry-relay", "ecommerce-relay"):
        if name not in system.procs.running:
            system.procs.start(name)
    hid = enrolled_household["id"]
    r = system.client("ecommerce").post("/api/sales", json=sale_for(hid), headers=system.headers("ecommerce_op"))
    assert r.status_code == 201, r.get_json()

    def entries():
        return [i for i in read_all(system, user="county_wudu", limit=500, program="ecommerce")
                if i["subject"] == hid and i["data"]["event_type"] == SALE]

    [entry] = wait_until(entries, timeout=60, message="the sale on the feed")
    assert entry["type"] == RECORDED
    assert entry["data"]["event_type"] == SALE and entry["data"]["income_fen"] == 60000
    assert entry["data"]["data"]["sale_id"] == r.get_json()["id"]


def test_the_latest_entries_without_a_filter_read_only_the_end_of_each_partition(system, stream, base):
    settings = system.settings["registry"]
    with StreamReader(settings.kafka_bootstrap_servers, system.topics.stream) as reader:
        everything = reader.read_page(None, FeedFilter(), limit=100_000, max_scan=100_000).items
        latest = reader.tail(FeedFilter(), count=5)
        partitions = len(reader._bounds()[0])
    assert [i["id"] for i in latest.items] == [i["id"] for i in reversed(everything[-5:])]
    assert latest.scanned <= 2 * 5 * partitions < len(everything)


def test_the_latest_entries_of_a_county_widen_the_window_only_as_far_as_needed(system, stream, base):
    """A county's latest page reads the end of each partition and only widens it while it
    lacks matches (a fixed window of ~2,000 a partition cost ~1.3 s of CPU at size)."""
    busy = new_household_id(WUDU)
    stream.publish(*[stream.recorded(busy, "村0") for _ in range(30)])
    settings = system.settings["registry"]
    county, nowhere = FeedFilter(county=WUDU), FeedFilter(village="nowhere")
    with StreamReader(settings.kafka_bootstrap_servers, system.topics.stream) as reader:
        every = reader.read_page(None, FeedFilter(), limit=100_000, max_scan=100_000)
        theirs = reader.read_page(None, county, limit=100_000, max_scan=100_000).items
        latest = reader.tail(county, count=5)
        sparse = reader.tail(nowhere, count=5, scan=60)
        partitions = len(reader._bounds()[0])
    assert [i["id"] for i in latest.items] == [i["id"] for i in reversed(theirs[-5:])]
    assert latest.scanned <= 2 * 5 * partitions < every.scanned
    # Without matches the window grows to the bound and no further.
    widest = max(10, 60 // partitions)
    assert sparse.items == [] and 2 * 5 * partitions < sparse.scanned <= widest * partitions


def test_a_pool_keeps_a_reader_between_reads_and_drops_one_whose_read_failed(system, stream, base):
    """A kept reader's consumer already knows the topic: its next page skips the metadata
    fetch a new consumer makes (~110 ms), and reads what a new reader reads."""
    settings = system.settings["registry"]
    made = []

    def make():
        made.append(StreamReader(settings.kafka_bootstrap_servers, system.topics.stream))
        return made[-1]

    pool = ReaderPool(make, size=1)
    with pool.reader() as reader:
        first = reader.read_page(None, FeedFilter(), limit=5)
    with pool.reader() as reader:
        again = reader.read_page(None, FeedFilter(), limit=5)
        assert reader.consumer._cluster.partitions_for_topic(system.topics.stream)  # known before asking
    assert len(made) == 1 and again.items == first.items
    with pytest.raises(CursorError):
        with pool.reader() as reader:
            reader.read_page("not a cursor!", FeedFilter())
    assert reader.consumer._closed
    with pool.reader() as reader:
        assert reader is made[-1] and len(made) == 2 and not reader.consumer._closed
    # Only ``size`` readers are kept: a second one, used at the same time, is closed after.
    with pool.reader() as one, pool.reader() as two:
        pass
    assert one.consumer._closed != two.consumer._closed
