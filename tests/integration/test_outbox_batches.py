"""The relay's batches on the real store, with a recording producer: what a batch publishes
and in which order, what it writes, the sent records that stand in for per-document updates
until the compaction clears the documents, and the windows between those writes."""
from __future__ import annotations

import pytest

from shared import outbox
from shared.config import Settings
from shared.events.envelope import Envelope
from shared.events.types.ecommerce import SALE_RECORDED
from shared.relay import NotPublished, Relay
from shared.store import make_client
from tests.integration.conftest import sale_for
from tests.support import isolated_env

HID = "H621202ABCDEFGHJK"


class Future:
    def __init__(self, exception=None):
        self.exception = exception

    def failed(self):
        return self.exception is not None


class Producer:
    """Records what was sent; ``down`` makes every send fail as a broker timeout does."""

    def __init__(self):
        self.sent, self.down = [], False

    def send(self, topic, key=None, value=None, headers=None):
        if self.down:
            return Future(TimeoutError("broker away"))
        self.sent.append(Envelope.from_kafka(key, value, headers).id)
        return Future()

    def flush(self):
        pass


@pytest.fixture(scope="module")
def db(stack):
    settings = Settings.from_env("ecommerce", isolated_env("batches"))
    client = make_client(settings)
    yield client[settings.database_name]
    client.close()


@pytest.fixture
def coll(db, request):
    name = "b" + request.node.name[5:30]
    for kept in (outbox.MARKS, outbox.SENT, outbox.ACKED):
        db[kept].delete_many({})
    return db[name]


def relay(coll, batch: int = 500) -> Relay:
    settings = Settings.from_env("ecommerce", {**isolated_env("batches"), "RELAY_BATCH": str(batch)})
    return Relay(settings, [coll.name], lambda envelope: "t")


def sale(n: int) -> dict:
    return outbox.event(SALE_RECORDED.type, "ecommerce", HID,
                        {**sale_for(HID), "sale_id": f"S{n}", "recorded_by": "t"})


def drain(r: Relay, db, producer) -> None:
    while r.run_once(db, producer) or r.tidy(db):
        pass


def test_a_batch_goes_out_in_order_and_the_documents_are_cleared_after(db, coll):
    events = [sale(n) for n in range(4)]
    outbox.insert_many(coll, [({"_id": f"D{n}"}, [events[n]]) for n in range(3)])
    outbox.update(coll, {"_id": "D1"}, {"$set": {"x": 1}}, events[3])     # an update: its mark names the document
    assert coll.database[outbox.MARKS].count_documents({}) == 4
    producer, r = Producer(), relay(coll)

    assert r.run_once(coll.database, producer) == 4
    # Documents oldest first, each one's events together in the order of its writes; each once.
    assert producer.sent == [events[n]["id"] for n in (0, 1, 3, 2)]
    assert coll.database[outbox.MARKS].count_documents({}) == 0
    assert coll.database[outbox.SENT].count_documents({}) == 1            # one record for the batch
    assert coll.database[outbox.ACKED].count_documents({}) == 1           # and one that the broker has it
    assert coll.count_documents({"outbox_pending": True}) == 3            # not cleared yet
    assert r.run_once(coll.database, producer) == 0 and len(producer.sent) == 4

    assert r.tidy(coll.database) == 4
    assert coll.count_documents({"outbox_pending": True}) == 0
    assert all(d["outbox"] == [] for d in coll.find({}))
    assert coll.find_one({"_id": "D1"})["x"] == 1
    assert coll.database[outbox.SENT].count_documents({}) == coll.database[outbox.ACKED].count_documents({}) == 0
    assert r.sent == set()


def test_under_a_backlog_the_next_batch_is_read_while_one_is_published(db, coll):
    events = [sale(n) for n in range(7)]
    outbox.insert_many(coll, [({"_id": f"D{n}"}, [events[n]]) for n in range(7)])
    producer, r = Producer(), relay(coll, batch=3)
    assert r.run_once(coll.database, producer) == 3 and r._next is not None    # full: the next one read
    outbox.insert(coll, {"_id": "LATER"}, later := sale(8))
    drain(r, coll.database, producer)
    assert producer.sent == [e["id"] for e in events + [later]]
    assert coll.count_documents({"outbox_pending": True}) == 0
    assert coll.database[outbox.MARKS].count_documents({}) == coll.database[outbox.SENT].count_documents({}) == 0


def test_an_event_appended_after_the_publish_survives_the_compaction(db, coll):
    first, second = sale(1), sale(2)
    outbox.insert(coll, {"_id": "D"}, first)
    producer, r = Producer(), relay(coll)
    assert r.run_once(coll.database, producer) == 1
    outbox.update(coll, {"_id": "D"}, {"$set": {"x": 1}}, second)       # before the compaction
    r.tidy(coll.database)
    doc = coll.find_one({"_id": "D"})
    assert [e["id"] for e in doc["outbox"]] == [second["id"]] and doc["outbox_pending"] is True
    drain(r, coll.database, producer)
    assert producer.sent == [first["id"], second["id"]]
    doc = coll.find_one({"_id": "D"})
    assert doc["outbox"] == [] and doc["outbox_pending"] is False


def test_an_insert_mark_that_lands_after_its_document_was_relayed_publishes_nothing_again(db, coll):
    first, second = sale(1), sale(2)
    # The writer's insert is committed, and its mark is late; another writer updates the document.
    coll.insert_one(outbox.with_events({"_id": "D"}, first))
    outbox.update(coll, {"_id": "D"}, {"$set": {"x": 1}}, second)
    producer, r = Producer(), relay(coll)
    assert r.run_once(coll.database, producer) == 2                       # read from the document, in order
    coll.database[outbox.MARKS].insert_one(outbox.mark_of(coll.name, "D", [first], carried=True))
    assert r.run_once(coll.database, producer) == 0
    coll.database[outbox.MARKS].insert_one(outbox.mark_of(coll.name, "D", [first], carried=True))
    assert relay(coll).run_once(coll.database, producer) == 0             # a restarted relay knows it too
    assert producer.sent == [first["id"], second["id"]]
    assert coll.database[outbox.MARKS].count_documents({}) == 0


def test_after_a_crash_before_the_marks_were_deleted_nothing_is_published_twice(db, coll):
    events = [sale(n) for n in range(3)]
    outbox.insert_many(coll, [({"_id": f"D{n}"}, [events[n]]) for n in range(3)])
    marks = list(coll.database[outbox.MARKS].find({}))
    producer = Producer()
    relay(coll).run_once(coll.database, producer)
    coll.database[outbox.MARKS].insert_many(marks)                       # as if the delete never happened
    assert coll.database[outbox.ACKED].count_documents({}) == 1
    restarted = relay(coll)
    drain(restarted, coll.database, producer)
    assert producer.sent == [e["id"] for e in events]
    assert coll.database[outbox.MARKS].count_documents({}) == 0
    assert coll.count_documents({"outbox_pending": True}) == 0


def test_after_a_crash_inside_the_compaction_it_is_done_again_harmlessly(db, coll):
    first = sale(1)
    outbox.insert(coll, {"_id": "D"}, first)
    producer, r = Producer(), relay(coll)
    r.run_once(coll.database, producer)
    [record], [ack] = coll.database[outbox.SENT].find({}), coll.database[outbox.ACKED].find({})
    r.tidy(coll.database)
    coll.database[outbox.SENT].insert_one(record)                        # the records' delete never happened
    coll.database[outbox.ACKED].insert_one(ack)
    restarted = relay(coll)
    drain(restarted, coll.database, producer)
    assert producer.sent == [first["id"]]
    assert coll.database[outbox.SENT].count_documents({}) == coll.database[outbox.ACKED].count_documents({}) == 0
    assert coll.find_one({"_id": "D"})["outbox_pending"] is False


def test_a_broker_that_does_not_acknowledge_leaves_everything_to_send_again(db, coll):
    first = sale(1)
    outbox.insert(coll, {"_id": "D"}, first)
    producer, r = Producer(), relay(coll)
    producer.down = True
    with pytest.raises(NotPublished):
        r.run_once(coll.database, producer)
    # The batch is recorded with its events and not acknowledged: published again first.
    assert coll.database[outbox.SENT].count_documents({}) == 1
    assert coll.database[outbox.ACKED].count_documents({}) == 0 and r.sent is None
    with pytest.raises(NotPublished):
        r.run_once(coll.database, producer)
    producer.down = False
    drain(r, coll.database, producer)
    assert producer.sent == [first["id"]]
    assert coll.database[outbox.MARKS].count_documents({}) == coll.database[outbox.SENT].count_documents({}) == 0
    assert coll.find_one({"_id": "D"})["outbox_pending"] is False


def test_the_sweep_marks_only_documents_with_unsent_events_and_no_mark(db, coll):
    lost, marked, sent = sale(1), sale(2), sale(3)
    coll.insert_one(outbox.with_events({"_id": "LOST"}, lost))            # the writer died before its mark
    outbox.insert(coll, {"_id": "MARKED"}, marked)
    coll.insert_one(outbox.with_events({"_id": "EMPTY"}))                 # flagged, with nothing to send
    outbox.insert(coll, {"_id": "SENT"}, sent)
    producer, r = Producer(), relay(coll)
    coll.database[outbox.MARKS].delete_one({"_id": {"$regex": "SENT"}})
    r.sent = {sent["id"]}                                                # published, not yet cleared
    assert outbox.remark(coll.database, coll.name, outbox.pending(coll, 100), r.sent) == 1
    assert sorted(m["d"] for m in coll.database[outbox.MARKS].find({})) == ["LOST", "MARKED"]
    assert coll.find_one({"_id": "EMPTY"})["outbox_pending"] is False
    r.run_once(coll.database, producer)
    assert sorted(producer.sent) == sorted([lost["id"], marked["id"]])


def test_an_earlier_releases_outbox_is_relayed_after_the_upgrade(db, coll):
    first, second = sale(1), sale(2)
    # As the previous release left them: the events in the document, a counted mark.
    coll.insert_one({"_id": "OLD", "outbox": [first, second], "outbox_pending": True, "outbox_rev": 2})
    coll.database[outbox.MARKS].insert_one({"_id": f"{coll.name}\x1fOLD", "n": 2})
    coll.insert_one({"_id": "SWEPT", "outbox": [sale(3)], "outbox_pending": True, "outbox_rev": 1})  # no mark left
    producer, r = Producer(), relay(coll)
    assert r.run_once(coll.database, producer) == 2
    assert producer.sent == [first["id"], second["id"]]
    assert coll.database[outbox.MARKS].count_documents({}) == 0
    r.run_once(coll.database, producer, sweep=True)
    drain(r, coll.database, producer)
    assert len(producer.sent) == 3 and coll.count_documents({"outbox_pending": True}) == 0


def test_a_counted_mark_bumped_by_an_earlier_release_writer_meanwhile_is_kept(db, coll):
    coll.insert_one({"_id": "OLD", "outbox": [sale(1)], "outbox_pending": True, "outbox_rev": 1})
    marks = coll.database[outbox.MARKS]
    marks.insert_one({"_id": f"{coll.name}\x1fOLD", "n": 1})
    read = outbox.marked(coll.database, 10)
    marks.update_one({"_id": f"{coll.name}\x1fOLD"}, {"$inc": {"n": 1}})
    outbox.clear_marks(coll.database, [mark for _, _, mark in read])
    assert marks.find_one({"_id": f"{coll.name}\x1fOLD"})["n"] == 2
