"""The registry writes a poll's effects in batches, in order: history, warnings, statistics,
summaries; then the consumer loop publishes the events the poll derived with its offsets, in
one Kafka transaction. A process killed between any two of those writes (or after the last,
before the transaction committed) hands the same records again, maybe cut into other polls;
the state must come out as if nothing had happened, and every derived event be published
once, by the polls whose transaction committed. And an earlier release's files (summary,
warnings and the map of applied events inside the file) are moved out once, and keep their
exactly-once guarantees."""
from __future__ import annotations

import pytest

from bench import workload
from services.registry.adapters import layout_upgrade
from services.registry.adapters.events import EventApplier
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import IdProtection
from services.registry.adapters.summaries import HouseholdSummaries, SummaryChange
from services.registry.adapters.warnings import Warnings
from shared.config import Settings
from shared.events.catalogue import CATALOGUE
from shared.kafka.position import Position
from shared.store import make_client
from tests.integration.registry_support import stored_summary
from tests.support import isolated_env

HOUSEHOLDS, EVENTS = 4, 24


class Killed(Exception):
    """Stands for SIGKILL at a point of the flush."""


def _database(name):
    settings = Settings.from_env("registry", isolated_env(name))
    client = make_client(settings)
    db = client[settings.database_name]
    HouseholdRepository(db, IdProtection(settings)).create_many(workload.households(HOUSEHOLDS), by="test")
    EventApplier(db).ensure_indexes()
    return client, db


def _poll(applier, records) -> list[dict]:
    """One poll; the events it derives, as its transaction would publish them."""
    applier.prepare([envelope.subject for _, envelope, _ in records])
    for program, envelope, offset in records:
        assert applier.apply(envelope, CATALOGUE.check(envelope), Position(f"t.{program}", 0, offset))
    return applier.flush()


def _records():
    hids = [hid for hid, _ in workload.households(HOUSEHOLDS)]
    events = workload.events(hids, EVENTS)
    offsets: dict = {}
    records = []
    for program, envelope in events:
        offsets[program] = offsets.get(program, -1) + 1
        records.append((program, envelope, offsets[program]))
    return hids, records


def _state(db, hids, published: list[dict]) -> dict:
    def stats(name):
        return sorted((d["_id"], sorted((k, v) for k, v in d.items() if k not in ("_id",))) for d in db[name].find({}))
    return {
        "history": sorted(d["_id"] for d in db["history"].find({}, {"_id": 1})),
        "summaries": {hid: stored_summary(db, hid) for hid in hids},
        "published": sorted(e["id"] for e in published),  # a list: twice would show
        "warnings": Warnings(db).of(hids),
        "stats": stats("stats"),
        "area_totals": stats("area_totals"),
    }


@pytest.fixture(scope="module")
def reference(stack):
    """The state after every record applied once, in polls of 8, with no crash."""
    hids, records = _records()
    client, db = _database("batched_ref")
    applier = EventApplier(db)
    published = []
    for start in range(0, len(records), 8):
        published += _poll(applier, records[start:start + 8])
    yield hids, records, _state(db, hids, published)
    client.close()


@pytest.mark.parametrize("killed_before", ["warnings", "stats", "summaries", "commit"])
def test_a_poll_killed_part_way_comes_out_as_if_nothing_happened(reference, killed_before):
    hids, records, want = reference
    client, db = _database(f"batched_{killed_before}")
    try:
        crashed = EventApplier(db)
        published = _poll(crashed, records[:8])  # committed
        # The second poll dies before one of its writes (commit: after them all, inside the
        # transaction: what it derived is never published).
        stage = {"warnings": crashed.warnings, "stats": crashed.stats, "summaries": crashed.summaries}.get(killed_before)
        if stage is not None:
            def die(*_, **__):
                raise Killed(killed_before)
            name = {"warnings": "add_many", "stats": "add_many", "summaries": "write"}[killed_before]
            setattr(stage, name, die)
        with pytest.raises(Killed) if stage is not None else _nothing():
            _poll(crashed, records[8:16])

        restarted = EventApplier(db)  # a new process: the records from offset 8 again, cut otherwise
        published += _poll(restarted, records[8:11])
        published += _poll(restarted, records[11:20])
        published += _poll(restarted, records[20:])
        # and a republished copy of some (other offsets): nothing new
        published += _poll(restarted, _republished(records[:5]))
        assert _state(db, hids, published) == want
    finally:
        client.close()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _republished(records, shift=1000):
    return [(program, envelope, offset + shift) for program, envelope, offset in records]


def test_an_earlier_release_files_are_moved_out_and_stay_exactly_once(reference):
    hids, records, want = reference
    client, db = _database("batched_upgrade")
    try:
        applier = EventApplier(db)
        for start in range(0, 16, 8):
            _poll(applier, records[start:start + 8])
        # Make it look as an earlier release left it: the summary, the warnings and the map of
        # applied events in the file, history entries without the copy that wrote them.
        for hid in hids:
            doc = HouseholdSummaries(db).read_many([hid]).get(hid)
            applied = {e["_id"]: f"{e['position']}|more" for e in db["history"].find({"household_id": hid, "program": {"$ne": "registry"}})}
            db["households"].update_one({"_id": hid}, {"$set": {
                "summary": stored_summary(db, hid), "applied": applied, "warnings": Warnings(db).of([hid]).get(hid, [])}})
            assert doc is not None
        db["history"].update_many({}, {"$unset": {"position": ""}})
        db.drop_collection("household_summaries")
        db.drop_collection("warnings")

        assert layout_upgrade.upgrade(db)["files"] == HOUSEHOLDS
        assert layout_upgrade.upgrade(db) == {}  # once

        restarted = EventApplier(db)
        _poll(restarted, records[12:])                  # some applied by the earlier release, redelivered
        _poll(restarted, _republished(records[:4]))     # republished copies of its events: nothing new
        state = _state(db, hids, [])
        assert state["summaries"] == want["summaries"]
        assert state["stats"] == want["stats"] and state["area_totals"] == want["area_totals"]
        assert state["warnings"] == want["warnings"]
        assert state["history"] == want["history"]
    finally:
        client.close()


def test_a_merged_summary_change_refused_by_its_guard_is_applied_event_by_event(stack):
    """A process that lost its partitions may write a poll late: the household's summary then
    counted some of its events already. Those are skipped, the others counted, each once."""
    client, db = _database("batched_late")
    try:
        summaries = HouseholdSummaries(db)
        key = "t.ecommerce:0"
        counted = SummaryChange()
        for offset in (5, 6):
            counted.add(key, offset, {"$inc": {"summary.events": 1, "summary.total_income_fen": 100}})
        counted.create("H1", {"events": 2, "total_income_fen": 200})
        summaries.write({"H1": counted})

        late = SummaryChange()  # read before the write above: offsets 5, 6 and 7
        for offset in (5, 6, 7):
            late.add(key, offset, {"$inc": {"summary.events": 1, "summary.total_income_fen": 100}})
        late.create("H1", {"events": 3, "total_income_fen": 300})  # it found no document either
        summaries.write({"H1": late})
        summaries.write({"H1": late})  # and once more: nothing
        doc = summaries.read_many(["H1"])["H1"]
        assert (doc["summary"]["events"], doc["summary"]["total_income_fen"]) == (3, 300)
        assert doc["offsets"] == {"t~ecommerce:0": 7}
    finally:
        client.close()
