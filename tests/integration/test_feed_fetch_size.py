"""The feed fetches little at a time (FETCH_BYTES a partition, so a page does not decode a
megabyte of entries it does not show); an entry larger than that is still read, whole."""
from shared.config import Settings
from shared.events.envelope import Envelope
from shared.events.topics import Topics
from shared.household_ids import new_household_id
from shared.kafka.admin import ensure_topics
from shared.kafka.producer import make_producer, send_envelope
from services.registry.adapters.stream_reader import FETCH_BYTES, StreamReader
from services.registry.domain.feed import FeedFilter
from tests.support import isolated_env

RECORDED = "cn.jingzhun.registry.assistance.recorded.v1"


def test_an_entry_larger_than_a_fetch_is_read_and_the_page_goes_on(stack):
    settings = Settings.from_env("registry", isolated_env("feedfetch"))
    ensure_topics(settings)
    topic = Topics(settings.topic_prefix).stream
    hid = new_household_id("621202")
    big = "村" * FETCH_BYTES   # three bytes each in UTF-8: three fetches' worth
    envelopes = [Envelope(type=RECORDED, source="registry", subject=hid,
                          data={"household_id": hid, "county_code": "621202", "n": n, "note": big if n == 1 else ""})
                 for n in range(3)]
    producer = make_producer(settings, client_id="tests-feed-fetch")
    for envelope in envelopes:
        send_envelope(producer, topic, envelope)
    producer.flush()
    producer.close(timeout=10)
    with StreamReader(settings.kafka_bootstrap_servers, topic) as reader:
        page = reader.read_page(None, FeedFilter(), limit=10)
    assert [item["data"]["n"] for item in page.items] == [0, 1, 2]
    assert page.items[1]["data"]["note"] == big and not page.has_more
