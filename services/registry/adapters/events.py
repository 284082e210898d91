"""The registry consumer's side: apply each accepted event to the household's history,
summary, warnings, versions and the area statistics — each exactly once — written per poll
in batches, appending where it can.

Per event, ``apply`` only decides (unknown household → dead letter) and queues; ``flush``
(which the consumer loop calls before committing the poll's offsets) writes, in this order:

1. the history entries, one unordered insert. The entry is keyed by the event id and
   records the copy that wrote it (``position``, topic:partition:offset), so the insert is
   also the idempotency guard: an entry already there from another position is a
   republished copy, and changes nothing more; from the same position, the poll is being
   handled again after a crash, and the rest is written again under its own guards;
2. the warnings, one document each (keyed by the event id);
3. the area statistics, one guarded update per counter document (stats.py);
4. the household summaries, last: one guarded update per household (its events of the
   poll merged) in one unordered bulk write (summaries.py). Their per-partition offset is
   the guard for the summary, and tells a redelivery which events were already counted
   in full: everything else of an event is written before its summary.

and returns the events the poll derives (the consolidated-stream record of each applied
event, a return-to-poverty warning), which the consumer loop publishes in the same Kafka
transaction as the poll's offsets: they appear once, when the poll is done, or not at all
(readers read committed). A poll handled again after a crash derives them again, with the
same ids (made from the event's), also for events its summaries already counted: their
stream record then carries the summary as the earlier attempt left it.

"First event of this household in this program" (households reached) is read from the
summary as it stood before the event; since the summary is written last, a poll handled
again finds it as the first attempt did.

The file that people edit is not written per event any more (it used to carry the summary,
the warnings and a map of every applied event id, rewritten whole on each event). The
households a poll names are read in one query (``prepare``) for their place and status, as
of their file's newest version; an event that happened before that version counts where the
household was then, and warns on the status it had then (``_places_as_of``): what a rebuild,
which replays the files first, reproduces."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.events.envelope import Envelope
from shared.store import find_in, insert_new
from shared.kafka.position import Position
from shared.events.types.registry import ASSISTANCE_RECORDED, WARNING_RAISED
from services.registry.adapters.stats import Stats, offset_key
from services.registry.adapters.summaries import HouseholdSummaries, SummaryChange, summary_of
from services.registry.adapters.warnings import Warnings
from services.registry.domain.assistance import file_counter, serious_illness_risk, status_counts, summary_after, summary_update, timeline_entry
from services.registry.domain.households import PLACE_FIELDS, counted_place, place_at


# Where an earlier release wrote the derived events for the relay; its relay still drains
# what was left there (services/registry/outbox.py).
DERIVED = "derived_events"
DERIVED_IDS = uuid.UUID("0b8c6d2e-5f0a-4c39-9a51-3d7e2f4b6a10")   # namespace of derived events' ids
# What applying an event reads of a household file (domain/households.py, counted_place).
PLACE = {field: 1 for field in PLACE_FIELDS + ("version_time", "updated_at")}


@dataclass
class Queued:
    envelope: object
    event_type: object
    position: Position
    household: dict
    entry: dict


class EventApplier:
    def __init__(self, db: Database, system_changes=None, publish: bool = True):
        # The consumer moves files as events ask (SystemChanges); a rebuild replays those moves
        # from the registry topic instead, so it passes none. A rebuild derives nothing to
        # publish either (publish=False): its events were published when they were first
        # applied, and a rebuilt database put into service must not send them again.
        self.system_changes = system_changes
        self.publish = publish
        self.households = db["households"]
        self.history = db["history"]
        self.versions = db["household_versions"]
        self.stats = Stats(db)
        self.summaries = HouseholdSummaries(db)
        self.warnings = Warnings(db)
        self._queued: list[Queued] = []
        self._summaries: dict[str, dict] = {}   # read by prepare: each household's summary document
        self._places: dict[str, dict] = {}      # household id → its place and status
        self._fresh: set[str] = set()           # places read from the file this poll: stored with the summary

    def ensure_indexes(self) -> None:
        self.history.create_index([("household_id", 1), ("occurred_at", -1)])
        self.stats.ensure_indexes()
        self.warnings.ensure_indexes()

    def prepare(self, household_ids) -> None:
        """Read what a poll's records need of their households, one query per thousand: the
        summaries (with the place each household was last counted in), and the place and
        status from the file of those that have none yet."""
        ids = sorted(set(household_ids))
        self._summaries = self.summaries.read_many(ids)
        self._places = {hid: doc["place"] for hid, doc in self._summaries.items() if doc.get("place")}
        self._fresh = set()
        self._read_places([hid for hid in ids if hid not in self._places])

    def _read_places(self, household_ids) -> None:
        ids = sorted(set(household_ids))
        for doc in find_in(self.households, "_id", ids, PLACE):
            self._places[doc["_id"]] = counted_place(doc)
        self._fresh.update(h for h in ids if h in self._places)

    def _place(self, household_id: str) -> dict | None:
        if household_id not in self._places:
            doc = self.households.find_one({"_id": household_id}, PLACE)
            if doc is None:
                return None
            self._places[household_id] = counted_place(doc)
            self._fresh.add(household_id)
        return self._places[household_id]

    def apply(self, envelope, event_type, position: Position) -> bool:
        """Queue one event; False if its household is unknown (the caller dead-letters it)."""
        if event_type.program == "registry":
            self._restore(envelope)
        household = self._place(envelope.subject)
        if household is None:
            return False
        entry = {**timeline_entry(envelope, event_type), "position": str(position)}
        self._queued.append(Queued(envelope, event_type, position, household, entry))
        if self.system_changes is not None and event_type.program != "registry":
            self.system_changes.apply(envelope, event_type)  # idempotent: also on a republished copy
            if event_type.moves_household_to:
                self._places.pop(envelope.subject, None)  # its next event counts where it lives now
        return True

    def _restore(self, envelope) -> None:
        """A file event: set the file from it when the store is behind (a rebuild, or a fresh
        replica); in normal running the file is already at this version and nothing changes."""
        data = envelope.data
        if "file" in data:
            file = {**{k: v for k, v in data["file"].items() if k != "_id"}, "version_time": envelope.time}
            try:
                self.households.update_one({"_id": envelope.subject, "version": {"$lt": data["version"]}},
                                           {"$set": file}, upsert=True)
            except DuplicateKeyError:
                pass  # already at this version or later
            self.versions.update_one(
                {"_id": f"{envelope.subject}:{data['version']:08d}"},
                {"$setOnInsert": {"household_id": envelope.subject, "version": data["version"],
                                  "valid_from": envelope.time, "file": data["file"]}}, upsert=True)
        self._places.pop(envelope.subject, None)  # it may just have changed

    # --- the poll's writes ---------------------------------------------------------------
    def flush(self) -> list[dict]:
        """Write what was queued since the last flush (see the module's docstring) and return
        the events it derives, to publish with the poll's offsets. Must run before the
        offsets of their records are committed."""
        queued, self._queued = self._queued, []
        summaries, places, fresh = self._summaries, self._places, self._fresh
        self._summaries, self._places, self._fresh = {}, {}, set()
        todo = self._not_yet_applied(queued)
        working = {hid: summary_of(doc) for hid, doc in summaries.items()}
        counted_in = self._places_as_of([q for q in todo if q.event_type.program != "registry"])
        changes: dict[str, SummaryChange] = {}
        derived, warnings, counted = [], [], []
        for q in todo:
            hid = q.envelope.subject
            summary = working.setdefault(hid, summary_of(None))
            if q.event_type.program == "registry":
                events, warning = self._file_effects(q, summary, counted)
            else:
                counted_to = (summaries.get(hid) or {}).get("offsets", {}).get(offset_key(q.position.partition_key), -1)
                household = counted_in.get(q.envelope.id, q.household)
                if q.position.offset <= counted_to:
                    # Counted in the summary: written in full before a crash, but its derived
                    # events were not published (the transaction did not commit): again.
                    events, warning = self._program_effects(q, household, summary, False, [])
                    derived.extend(events)
                    continue
                update = summary_update(q.event_type, q.envelope.data)
                first = summary["programs"].get(q.event_type.program, {}).get("events", 0) == 0
                working[hid] = after = summary_after(summary, update)
                changes.setdefault(hid, SummaryChange()).add(q.position.partition_key, q.position.offset, update)
                events, warning = self._program_effects(q, household, after, first, counted)
            derived.extend(events)
            if warning:
                warnings.append(warning)
        for hid in fresh:
            if hid in places:  # not when an event of the poll moved the household: read again next time
                changes.setdefault(hid, SummaryChange()).place = places[hid]
        for hid, change in changes.items():
            if hid not in summaries:  # no document yet: written whole, in one insert with the others
                change.create(hid, working.get(hid) or summary_of(None))
        self.warnings.add_many(warnings)
        self.stats.add_many(counted)
        self.summaries.write(changes)
        return derived

    def _not_yet_applied(self, queued: list[Queued]) -> list[Queued]:
        """The queued events this poll must apply: those whose history entry is new, or was
        written by this very copy (a poll handled again). A second copy of an event in the
        same poll, or one whose entry another copy wrote, is a republished copy."""
        unique, seen = [], set()
        for q in queued:
            if q.envelope.id not in seen:
                seen.add(q.envelope.id)
                unique.append(q)
        existing = insert_new(self.history, [q.entry for q in unique])
        if not existing:
            return unique
        written_by = {d["_id"]: d.get("position") for d in self.history.find({"_id": {"$in": sorted(existing)}}, {"position": 1})}
        unknown = [i for i, position in written_by.items() if position is None]
        if unknown:  # entries of an earlier release: its files recorded which copy applied each event
            written_by.update(self._legacy_positions(unknown, {q.envelope.id: q.envelope.subject for q in unique}))
        return [q for q in unique if q.envelope.id not in existing or written_by.get(q.envelope.id) == str(q.position)]

    def _legacy_positions(self, event_ids: list[str], subject_of: dict) -> dict:
        found = {}
        for event_id in event_ids:
            doc = self.households.find_one({"_id": subject_of[event_id]}, {f"applied.{event_id}": 1})
            applied_by = ((doc or {}).get("applied") or {}).get(event_id)
            found[event_id] = applied_by.split("|")[0] if applied_by else None
        return found

    def _places_as_of(self, queued: list[Queued]) -> dict:
        """{event id: the place and status it counts in} for the events older than the version
        of the file this poll knows (a household that moved, exited or returned since), from
        the stored versions of the file (domain/households.py, place_at). Counting as of the
        event's time, not of its arrival, is what lets a rebuild reproduce the counts, warnings
        and stream: it replays the files first, then the programs.

        A risk event's household is read again first: whether it warns depends on its status,
        which the web pages may have changed since the poll's read."""
        now = self._current_places({q.envelope.subject for q in queued if q.event_type.risk})
        older = [q for q in queued if q.envelope.time < (now.get(q.envelope.subject, q.household).get("since") or "")]
        exact = {q.envelope.id: now[q.envelope.subject] for q in queued if q.envelope.subject in now}
        if not older:
            return exact
        versions: dict = {}
        for doc in find_in(self.versions, "household_id", sorted({q.envelope.subject for q in older}),
                           {"household_id": 1, "valid_from": 1, "file": 1}):
            versions.setdefault(doc["household_id"], []).append(doc)
        return {**exact, **{q.envelope.id: place_at(q.envelope.time, now.get(q.envelope.subject, q.household),
                                                     versions.get(q.envelope.subject, [])) for q in older}}

    def _current_places(self, household_ids: set) -> dict:
        if not household_ids:
            return {}
        return {d["_id"]: counted_place(d) for d in find_in(self.households, "_id", household_ids, PLACE)}

    def _program_effects(self, q: Queued, household: dict, after: dict, first: bool, counted: list):
        envelope, event_type, entry = q.envelope, q.event_type, q.entry
        events = [self._stream_event(envelope, event_type, entry, household, after)] if self.publish else []
        warning = None
        if event_type.risk and household["status"] == "exited":
            warning = _open_warning(envelope, entry, event_type.risk, household)
            if self.publish:
                events.append(_warning(envelope, event_type.risk, event_type.title(envelope.data, "en")))
        counted.append((q.position.partition_key, q.position.offset, event_type.program, envelope.time[:7], [
            (household["village_code"], {"events": 1, "income_fen": entry["income_fen"],
                                         "amount_fen": entry["amount_fen"], "households_reached": int(first)})]))
        return events, warning

    def _file_effects(self, q: Queued, summary: dict, counted: list):
        envelope, data = q.envelope, q.envelope.data
        # The file as this event left it, not as the store has it now (it may have changed again).
        household = counted_place(data["file"], envelope.time) if "file" in data else q.household
        events = [self._stream_event(envelope, q.event_type, q.entry, household, summary)] if self.publish else []
        warning = None
        risk = serious_illness_risk(data)
        if risk:
            warning = _open_warning(envelope, q.entry, risk, household)
            if self.publish:
                events.append(_warning(envelope, risk, "a member is seriously ill"))
        key, offset = q.position.partition_key, q.position.offset
        if "after" in data:
            counted.append((key, offset, "households", "-", status_counts(data.get("before"), data["after"])))
            counter = file_counter(data)
            if counter:
                counted.append((key, offset, "registry", envelope.time[:7], [(data["after"]["village_code"], {counter: 1})]))
        return events, warning

    def _stream_event(self, envelope, event_type, entry: dict, household: dict, summary: dict) -> dict:
        return _derived(ASSISTANCE_RECORDED.type, envelope, {
            "household_id": envelope.subject, "event_id": envelope.id, "event_type": envelope.type,
            "program": event_type.program, "occurred_at": envelope.time,
            "title_en": entry["title_en"], "title_zh": entry["title_zh"],
            "income_fen": entry["income_fen"], "amount_fen": entry["amount_fen"],
            "county_code": household["county_code"], "village_code": household["village_code"],
            "village": household["village"], "area": household["area"], "status": household["status"],
            "total_income_fen": summary["total_income_fen"], "summary": summary, "data": entry["data"],
        })

    def discard(self) -> None:
        """Forget what was queued: the consumer loop will hand the same records again."""
        self._queued, self._summaries, self._places, self._fresh = [], {}, {}, set()


def _open_warning(envelope, entry: dict, risk: str, household: dict) -> dict:
    """The warning a risk event raises on its household (one document, keyed by the event)."""
    return {"_id": envelope.id, "household_id": envelope.subject, "county_code": household["county_code"],
            "village_code": household["village_code"], "risk": risk, "event_id": envelope.id,
            "title_en": entry["title_en"], "title_zh": entry["title_zh"], "raised_at": envelope.time, "open": True}


def _derived(type_name: str, envelope, data: dict) -> dict:
    """An event derived from ``envelope``, its id made from the envelope's: a poll handled
    again derives the very same events. Its data is not validated against the catalogue
    again (14 % of the consumer's time in py-spy, make bench of 2026-12-07): every field comes
    from an event validated on receipt or from the registry's own state; the tests check
    derived events against the catalogue, and every reader validates what it consumes."""
    return Envelope(type=type_name, source="registry", subject=envelope.subject, data=data,
                    id=str(uuid.uuid5(DERIVED_IDS, f"{type_name}:{envelope.id}"))).to_dict()


def _warning(envelope, risk: str, reason: str) -> dict:
    """The WARNING_RAISED event a risk event derives (program events and file changes alike)."""
    return _derived(WARNING_RAISED.type, envelope, {
        "household_id": envelope.subject, "recorded_by": "monitoring", "risk": risk,
        "source_event_id": envelope.id, "source_event_type": envelope.type, "reason": reason})
