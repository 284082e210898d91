"""The outbox's marks and what a relay batch takes from them, without a store: an insert's
mark carries its events, an update's names the document, sent events are left out."""
import json

from shared import outbox

HID = "H621202ABCDEFGHJK"


def _event(n: int) -> dict:
    return {"id": f"e{n}", "type": "t", "source": "s", "subject": HID, "time": f"2026-01-01T00:00:0{n}.000Z",
            "data": {"n": n}}


def test_a_mark_is_named_by_its_collection_document_and_first_event():
    mark = outbox.mark_of("sales", "S1", [_event(1), _event(2)], carried=True)
    assert mark["_id"] == "sales\x1fS1\x1fe1" and mark["c"] == "sales" and mark["d"] == "S1"
    assert json.loads(mark["e"]) == [_event(1), _event(2)]
    assert "e" not in outbox.mark_of("sales", "S1", [_event(3)])          # an update's mark names the document


def test_events_that_are_not_json_leave_the_mark_without_them():
    odd = {**_event(1), "data": {"when": object()}}
    assert "e" not in outbox.mark_of("sales", "S1", [odd], carried=True)


def test_a_batch_takes_carried_events_in_the_marks_order_without_those_already_sent():
    marks = [(m["c"], m["d"], m) for m in (
        outbox.mark_of("sales", "S2", [_event(2)], carried=True),
        outbox.mark_of("sales", "S1", [_event(1), _event(3)], carried=True),
        outbox.mark_of("other", "X", [_event(4)], carried=True),          # not this relay's collection
    )]
    batch = outbox.to_publish(None, ["sales"], marks, sent={"e3"})
    assert [(doc_id, [e["id"] for e in events], rev) for _, doc_id, events, rev in batch] == [
        ("S2", ["e2"], 1), ("S1", ["e1"], 1)]
    assert outbox.to_publish(None, ["sales"], marks[:1], sent={"e2"}) == []


def test_unsent_keeps_the_order_of_the_writes():
    doc = {"_id": "D", "outbox": [_event(1), _event(2), _event(3)]}
    assert [e["id"] for e in outbox.unsent([doc], {"e2"})[0][1]] == ["e1", "e3"]
