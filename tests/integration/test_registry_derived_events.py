"""The events the registry derives from each applied event (the consolidated-stream record,
a warning) are returned by the poll's flush, for the consumer loop to publish in the poll's
transaction: once per event, also when the process died after updating the household and
before its flush; again, the same events with the same ids, when it died after the flush and
before the transaction committed (the poll is handled again); and never by a rebuild (a
rebuilt database put into service must not publish the past again). A risk event warns on
the household's status when it happened, whenever it arrives."""
from __future__ import annotations

import dataclasses
from datetime import date

from bench import workload
from services.registry.adapters.events import EventApplier
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import IdProtection
from services.registry.adapters.warnings import Warnings
from shared.config import Settings
from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope, utcnow_iso
from shared.events.types.registry import ASSISTANCE_RECORDED, WARNING_RAISED
from shared.kafka.position import Position
from shared.store import make_client
from tests.integration.registry_support import stored_summary
from tests.support import isolated_env


def _setup(name):
    settings = Settings.from_env("registry", isolated_env(name))
    client = make_client(settings)
    db = client[settings.database_name]
    items = workload.households(2)
    HouseholdRepository(db, IdProtection(settings)).create_many(items, by="test")
    events = workload.events([hid for hid, _ in items], 6)
    return client, db, [hid for hid, _ in items], events


def _apply(applier, events, offsets, meanwhile=lambda: None):
    """Apply events as one poll; ``meanwhile`` runs between its households' read and its records."""
    applier.prepare([envelope.subject for _, envelope in events])
    meanwhile()
    for (program, envelope), offset in zip(events, offsets):
        assert applier.apply(envelope, CATALOGUE.check(envelope), Position(f"t.{program}", 0, offset))


def _stream(derived):
    return {e["data"]["event_id"]: e for e in derived if e["type"] == ASSISTANCE_RECORDED.type}


def _valid(derived):
    """Every derived event as the catalogue declares it (the consumer does not validate them
    again before publishing): the readers of the stream would dead-letter anything else."""
    for event in derived:
        CATALOGUE.check(Envelope.from_dict(event))
    return derived


def test_derived_events_are_derived_once_even_after_a_crash_before_the_flush(stack):
    client, db, hids, events = _setup("derived")
    try:
        crashed = EventApplier(db)
        crashed.ensure_indexes()
        _apply(crashed, events[:4], range(4))
        crashed.discard()                       # died before its flush: households updated, nothing else

        restarted = EventApplier(db)
        _apply(restarted, events, range(6))     # the same records again, and two more
        first = _valid(restarted.flush())
        _apply(restarted, events[:2], (100, 101))  # a republished copy (other offsets): nothing new
        assert restarted.flush() == []

        stream = _stream(first)
        assert len(first) == len(stream) == 6 and sorted(stream) == sorted(envelope.id for _, envelope in events)
        assert db["history"].count_documents({}) == 6
        for hid in hids:
            applied = stored_summary(db, hid)["events"]
            assert applied == sum(1 for _, e in events if e.subject == hid)
    finally:
        client.close()


def test_a_poll_handled_again_after_its_transaction_failed_derives_the_same_events_and_counts_once(stack):
    """Killed inside the Kafka transaction: the store has the poll's writes, the stream not its
    events. The poll comes again from the same offsets and must publish them, the same ones."""
    client, db, hids, events = _setup("derivedtx")
    try:
        first = EventApplier(db)
        first.ensure_indexes()
        _apply(first, events, range(6))
        lost = first.flush()                    # written; the transaction with these never committed

        again = EventApplier(db)
        _apply(again, events, range(6))
        published = again.flush()

        assert sorted(e["id"] for e in published) == sorted(e["id"] for e in lost)
        assert sorted(_stream(published)) == sorted(envelope.id for _, envelope in events)
        assert db["history"].count_documents({}) == 6
        for hid in hids:
            assert stored_summary(db, hid)["events"] == sum(1 for _, e in events if e.subject == hid)
    finally:
        client.close()


def test_a_rebuild_derives_nothing_to_publish(stack):
    client, db, _, events = _setup("derivedrb")
    try:
        rebuilding = EventApplier(db, publish=False)
        _apply(rebuilding, events, range(6))
        assert rebuilding.flush() == []
        assert db["history"].count_documents({}) == 6
    finally:
        client.close()


def _income_stopped(hid, time):
    event = CATALOGUE.new_event("cn.jingzhun.microcredit.enrolment.ended.v1", "microcredit", hid, {
        "household_id": hid, "recorded_by": "bank", "enrolment_id": "E1", "ended_on": "2026-11-01",
        "reason": "loan programme closed"})
    return "microcredit", dataclasses.replace(event, time=time)


def test_a_risk_event_warns_on_the_status_the_household_had_when_it_happened(stack):
    """Also when the status changed after the poll read the household (the web pages change
    it at any time), and when the event arrives only after the change (recorded late): what
    counts is the file's version at the event's time, which a rebuild finds too."""
    client, db, (exits, returns), _ = _setup("derivedst")
    repository = HouseholdRepository(db, IdProtection(Settings.from_env("registry", isolated_env("derivedst"))))

    def exit_household(hid):   # the workflow, each step by another person, a notice of 0 days
        for step, by in (("propose_exit", "cadre"), ("township_check", "township"), ("county_approve", "county"),
                         ("finish_notice", "clerk")):
            repository.step(hid, step, by, "", date.today(), 0)
    try:
        exit_household(returns)
        while_exited = utcnow_iso()
        before_all, after_all = "2000-01-01T00:00:00.000Z", "2099-01-01T00:00:00.000Z"
        events = [_income_stopped(exits, before_all), _income_stopped(exits, after_all),
                  _income_stopped(returns, while_exited), _income_stopped(returns, after_all)]
        applier = EventApplier(db)
        applier.ensure_indexes()

        def status_changed_by_the_web_pages():
            exit_household(exits)
            repository.step(returns, "return_to_poverty", "county", "income stopped", date.today(), 0)

        _apply(applier, events, range(4), meanwhile=status_changed_by_the_web_pages)
        derived = _valid(applier.flush())
        _apply(applier, events, (10, 11, 12, 13))     # a republished copy: no second warning
        derived += applier.flush()

        (exits_before, exits_after, returns_while_exited, returns_after) = (envelope for _, envelope in events)
        stored_warnings = Warnings(db).of([exits, returns])
        assert [(w["risk"], w["event_id"]) for w in stored_warnings[exits]] == [("program_income_stopped", exits_after.id)]
        assert [w["event_id"] for w in stored_warnings[returns]] == [returns_while_exited.id]
        by_source = {}
        for e in derived:
            by_source.setdefault(e["data"].get("event_id") or e["data"]["source_event_id"], []).append(e)
        for warned in (exits_after, returns_while_exited):
            (raised,) = [e for e in by_source[warned.id] if e["type"] == WARNING_RAISED.type]
            assert raised["data"]["risk"] == "program_income_stopped" and raised["data"]["source_event_id"] == warned.id
        for quiet in (exits_before, returns_after):
            assert [e["type"] for e in by_source[quiet.id]] == [ASSISTANCE_RECORDED.type]
        stream = _stream(derived)
        assert [stream[e.id]["data"]["status"] for e in (exits_before, exits_after, returns_while_exited, returns_after)] \
            == ["identified", "exited", "exited", "returned"]
    finally:
        client.close()
