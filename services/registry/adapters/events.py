"""The registry consumer's side: apply each accepted event to the household's summary,
history, versions and the area statistics — each exactly once.

- The household update is guarded by the event id (``applied.<id>`` records which copy
  of the event, topic:partition:offset, applied it).
- The events derived from it (the consolidated-stream record, a return-to-poverty
  warning) are computed from the household as that update found it and written once per
  poll to their own outbox collection, ``derived_events``, one document per applied event
  (keyed by its id, so a second write is skipped). They used to ride in the household's
  own outbox; but the store rewrites a whole document on every update, and a file carrying
  its unsent events cost 1.3 ms more per KB (measured: 1.6 ms per update with none, 11.5 ms
  with eight), so a backlog made every event dearer. If the process dies between the
  household update and the flush, the records come again and find the household applied
  by this very copy: the derived events are computed again from the file as it is then
  (its summary may already include later events of the same poll).
- The households a poll names are read in one query (``prepare``) before its records. A
  risk event reads its household's status again: it decides the warning, and the web
  pages may have changed it since (one more round trip, for those events only).
- The history entry and the file version are keyed by the event id / version. History
  entries and statistics are written once per poll (``flush``, which the consumer loop
  calls before it commits the poll's offsets): one insert for the entries, one update per
  counter document. A crash before it leaves the offsets uncommitted, the records come
  again, and the household guard lets a copy from the same position queue them again (an
  entry already there is skipped, a counter ignores what it counted).
- Statistics are guarded per partition by offset (see stats.py). A republished copy of an
  event (another offset) is recognised by ``applied`` and changes nothing."""
from __future__ import annotations

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.store import insert_new
from shared.kafka.position import Position
from shared.events.types.registry import ASSISTANCE_RECORDED, WARNING_RAISED
from services.registry.adapters.stats import Stats
from services.registry.domain.assistance import file_counter, serious_illness_risk, status_counts, summary_after, summary_update, timeline_entry
from services.registry.domain.households import new_summary


DERIVED = "derived_events"
PREFETCH_CHUNK = 1000  # the store answers an $in of up to 1,000 ids from its index
# What applying an event reads of a household (the whole ``applied`` map when prefetched:
# the poll's event ids are not known before its records are decoded).
READ = {"status": 1, "village_code": 1, "county_code": 1, "village": 1, "area": 1, "summary": 1, "applied": 1}


class EventApplier:
    def __init__(self, db: Database, system_changes=None, publish: bool = True):
        # The consumer moves files as events ask (SystemChanges); a rebuild replays those moves
        # from the registry topic instead, so it passes none. A rebuild publishes nothing
        # either (publish=False): its events were published when they were first applied, and
        # a rebuilt database put into service must not send them again.
        self.system_changes = system_changes
        self.publish = publish
        self.households = db["households"]
        self.history = db["history"]
        self.versions = db["household_versions"]
        self.derived = db[DERIVED]
        self.stats = Stats(db)
        self._history_queue: list[dict] = []
        self._stats_queue: list = []
        self._derived_queue: list[tuple[dict, list[dict]]] = []
        self._prefetched: dict[str, dict] = {}

    def ensure_indexes(self) -> None:
        self.history.create_index([("household_id", 1), ("occurred_at", -1)])
        outbox.ensure_outbox_index(self.derived)
        self.stats.ensure_indexes()

    def prepare(self, household_ids) -> None:
        """Read the households a poll's records name, in one query per thousand: one round
        trip instead of one per record. Each is used once (then read again), so a second
        event of the same household in the poll sees the first one applied."""
        ids = sorted(set(household_ids))
        self._prefetched = {}
        for start in range(0, len(ids), PREFETCH_CHUNK):
            for doc in self.households.find({"_id": {"$in": ids[start:start + PREFETCH_CHUNK]}}, READ):
                self._prefetched[doc["_id"]] = doc

    def _household(self, household_id: str, event_id: str) -> dict | None:
        doc = self._prefetched.pop(household_id, None)
        if doc is not None:
            return doc
        one_guard = {k: 1 for k in READ if k != "applied"} | {f"applied.{event_id}": 1}
        return self.households.find_one({"_id": household_id}, one_guard)

    def _current_status(self, household: dict) -> dict:
        """The prefetched household with its status as it is now: the web pages change a
        status in the store directly, also after the poll's read, and whether a risk event
        warns depends on it."""
        now = self.households.find_one({"_id": household["_id"]}, {"status": 1})
        return {**household, "status": now["status"]} if now else household

    def apply(self, envelope, event_type, position: Position) -> bool:
        """Apply one event; False if its household is unknown (the caller dead-letters it)."""
        if event_type.program == "registry":
            return self._apply_file_event(envelope, event_type, position)
        if not self._apply_program_event(envelope, event_type, position):
            return False
        if self.system_changes is not None:
            self.system_changes.apply(envelope, event_type)  # idempotent: also on a republished copy
        return True

    # --- program events ------------------------------------------------------------
    def _apply_program_event(self, envelope, event_type, position: Position) -> bool:
        prefetched = envelope.subject in self._prefetched
        household = self._household(envelope.subject, envelope.id)
        if household is None:
            return False
        entry = timeline_entry(envelope, event_type)
        summary = household.get("summary") or new_summary()
        first = summary.get("programs", {}).get(event_type.program, {}).get("events", 0) == 0
        applied_by = (household.get("applied") or {}).get(envelope.id)
        if applied_by and applied_by.split("|")[0] != str(position):
            return True  # a republished copy of an event already applied: nothing to do
        if event_type.risk and prefetched:
            household = self._current_status(household)
        warn = bool(event_type.risk) and household["status"] == "exited"
        if applied_by:
            first = applied_by.endswith("|first")
            after = summary  # applied by this copy before a crash: the file already counts it
        else:
            update = summary_update(event_type, envelope.data)
            after = summary_after(summary, update)
            if warn:
                update.setdefault("$push", {})["warnings"] = _open_warning(envelope, entry, event_type.risk)
            update.setdefault("$set", {})[f"applied.{envelope.id}"] = f"{position}|{'first' if first else 'more'}"
            self.households.update_one({"_id": envelope.subject, f"applied.{envelope.id}": {"$exists": False}}, update)
        self._derive(envelope, [self._stream_event(envelope, event_type, entry, household, after)]
                     + ([_warning(envelope, event_type.risk, event_type.title(envelope.data, "en"))] if warn else []))
        self._history(entry)
        self._count(position.partition_key, position.offset, event_type.program, envelope.time[:7], [
            (household["village_code"], {"events": 1, "income_fen": entry["income_fen"],
                                         "amount_fen": entry["amount_fen"], "households_reached": int(first)})])
        return True

    def _stream_event(self, envelope, event_type, entry: dict, household: dict, summary: dict) -> dict:
        return outbox.event(ASSISTANCE_RECORDED.type, "registry", envelope.subject, {
            "household_id": envelope.subject, "event_id": envelope.id, "event_type": envelope.type,
            "program": event_type.program, "occurred_at": envelope.time,
            "title_en": entry["title_en"], "title_zh": entry["title_zh"],
            "income_fen": entry["income_fen"], "amount_fen": entry["amount_fen"],
            "county_code": household["county_code"], "village_code": household["village_code"],
            "village": household["village"], "area": household["area"], "status": household["status"],
            "total_income_fen": summary["total_income_fen"], "summary": summary, "data": entry["data"],
        })

    # --- registry events (file changes, warnings) -------------------------------------
    def _apply_file_event(self, envelope, event_type, position: Position) -> bool:
        data = envelope.data
        if "file" in data:
            self._restore_file(envelope.subject, data)
            self.versions.update_one(
                {"_id": f"{envelope.subject}:{data['version']:08d}"},
                {"$setOnInsert": {"household_id": envelope.subject, "version": data["version"],
                                  "valid_from": envelope.time, "file": data["file"]}}, upsert=True)
        self._prefetched.pop(envelope.subject, None)  # _restore_file may just have changed it
        household = self._household(envelope.subject, envelope.id)
        if household is None:
            return False
        entry = timeline_entry(envelope, event_type)
        applied_by = (household.get("applied") or {}).get(envelope.id)
        if applied_by and applied_by.split("|")[0] != str(position):
            return True
        risk = serious_illness_risk(data)
        if not applied_by:
            update = {"$set": {f"applied.{envelope.id}": f"{position}|more"}}
            if risk:
                update["$push"] = {"warnings": _open_warning(envelope, entry, risk)}
            self.households.update_one({"_id": envelope.subject, f"applied.{envelope.id}": {"$exists": False}}, update)
        events = [self._stream_event(envelope, event_type, entry, household, household.get("summary") or new_summary())]
        if risk:
            events.append(_warning(envelope, risk, "a member is seriously ill"))
        self._derive(envelope, events)
        self._history(entry)
        month = envelope.time[:7]
        if "after" in data:
            self._count(position.partition_key, position.offset, "households", "-",
                           status_counts(data.get("before"), data["after"]))
            counter = file_counter(data)
            if counter:
                self._count(position.partition_key, position.offset, "registry", month,
                               [(data["after"]["village_code"], {counter: 1})])
        return True

    def _restore_file(self, household_id: str, data: dict) -> None:
        """Set the file from the event when the store is behind it (a rebuild, or a fresh
        replica); in normal running the file is already at this version and nothing changes."""
        file = {k: v for k, v in data["file"].items() if k != "_id"}
        try:
            self.households.update_one(
                {"_id": household_id, "version": {"$lt": data["version"]}},
                {"$set": file, "$setOnInsert": {"summary": new_summary(), "applied": {}, "warnings": []}},
                upsert=True)
        except DuplicateKeyError:
            pass  # already at this version or later
        # FerretDB 1.24 drops an empty array given in $setOnInsert; set it on its own.
        self.households.update_one({"_id": household_id, "warnings": {"$exists": False}}, {"$set": {"warnings": []}})

    def _history(self, entry: dict) -> None:
        self._history_queue.append(entry)

    def _derive(self, envelope, events: list[dict]) -> None:
        if self.publish:
            self._derived_queue.append(({"_id": envelope.id, "household_id": envelope.subject}, events))

    def flush(self) -> None:
        """Write what was queued since the last flush: history entries (one insert; those
        already there are skipped), derived events (likewise, with their relay marks), area
        statistics. Must run before the offsets of their records are committed."""
        queued, self._history_queue = self._history_queue, []
        insert_new(self.history, queued)
        derived, self._derived_queue = self._derived_queue, []
        if derived:
            outbox.insert_many(self.derived, derived)
        counted, self._stats_queue = self._stats_queue, []
        self.stats.add_many(counted)
        self._prefetched = {}

    def discard(self) -> None:
        """Forget what was queued: the consumer loop will hand the same records again."""
        self._history_queue, self._stats_queue, self._derived_queue, self._prefetched = [], [], [], {}

    def _count(self, position: str, offset: int, group: str, month: str, changes: list) -> None:
        self._stats_queue.append((position, offset, group, month, changes))


def _open_warning(envelope, entry: dict, risk: str) -> dict:
    """The warning a risk event adds to its household's file."""
    return {"risk": risk, "event_id": envelope.id, "title_en": entry["title_en"], "title_zh": entry["title_zh"],
            "raised_at": envelope.time, "open": True}


def _warning(envelope, risk: str, reason: str) -> dict:
    """The WARNING_RAISED event a risk event derives (program events and file changes alike)."""
    return outbox.event(WARNING_RAISED.type, "registry", envelope.subject, {
        "household_id": envelope.subject, "recorded_by": "monitoring", "risk": risk,
        "source_event_id": envelope.id, "source_event_type": envelope.type, "reason": reason})
