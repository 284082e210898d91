"""One thread through the whole system: a household file, a sale, the registry history."""
import json
import signal

from shared.events.envelope import Envelope
from tests.integration.conftest import ensure_running, sale_for
from tests.support import read_topic, wait_until


def history(system, household_id):
    r = system.client("registry").get(f"/api/households/{household_id}/history", headers=system.headers("auditor"))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_a_sale_reaches_the_household_history_the_stream_and_the_page(system, enrolled_household):
    ensure_running(system, "registry-consumer", "registry-relay", "ecommerce-relay")
    hid = enrolled_household["id"]

    r = system.client("ecommerce").post("/api/sales", json=sale_for(hid), headers=system.headers("ecommerce_op"))
    assert r.status_code == 201, r.get_json()
    sale = r.get_json()

    def sales():
        return [e for e in history(system, hid) if e["event_type"].endswith("sale.recorded.v1")]
    entries = wait_until(sales, timeout=60, message="the sale in the registry history")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["program"] == "ecommerce" and entry["data"]["sale_id"] == sale["id"]
    assert entry["income_fen"] == 60000 and entry["recorded_by"] == "ecommerce_op"
    assert "¥600.00" in entry["title_en"] and "花椒" in entry["title_zh"]

    # The summary is the poll's last write, after the history entries (a reader can come between).
    def counted():
        file = system.client("registry").get(f"/api/households/{hid}", headers=system.headers("auditor")).get_json()
        return file if file["summary"]["programs"].get("ecommerce", {}).get("events", 0) >= 2 else None
    file = wait_until(counted, timeout=30, message="the summary counting the sale")
    assert file["summary"]["total_income_fen"] == 60000
    assert file["summary"]["programs"]["ecommerce"] == {"status": "enrolled", "events": 2, "income_fen": 60000,
                                                        "amount_fen": 72000}

    # The household page, for a person logged in through the shared session.
    web = system.client("registry")
    with web.session_transaction() as session:
        session["user"] = "county_wudu"
    for lang, text in (("zh_CN", "记录销售：花椒 12kg，增收 ¥600.00"), ("en", "Sale recorded: 12 kg of 花椒, income ¥600.00")):
        page = web.get(f"/households/{hid}?lang={lang}")
        assert page.status_code == 200
        assert text in page.get_data(as_text=True)

    # The consolidated stream carries it, enriched; the compacted topic has the file.
    bootstrap = system.env["KAFKA_BOOTSTRAP_SERVERS"]
    stream = [e for e in read_stream(bootstrap, system) if e.data["event_type"].endswith("sale.recorded.v1")]
    assert [e.data["event_id"] for e in stream] == [entry["event_id"]]
    assert stream[0].data["county_code"] == "621202" and stream[0].data["total_income_fen"] == 60000
    snapshots = read_topic(bootstrap, system.topics.households, 1)
    assert snapshots[0].key.decode() == hid
    assert json.loads(snapshots[0].value)["head_name"] == "王建国"


def read_stream(bootstrap, system):
    return [Envelope.from_kafka(r.key, r.value, r.headers) for r in read_topic(bootstrap, system.topics.stream, 3)]


def test_consumers_and_relays_stop_cleanly_on_sigterm(system):
    names = ("registry-consumer", "registry-relay", "ecommerce-relay", "ecommerce-households")
    ensure_running(system, *names)
    for name in names:
        assert system.procs.kill(name, signal.SIGTERM) == 0, system.procs.log_tail(name)
