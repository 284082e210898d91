"""The registry's household files (MongoDB): create, search, change, exit workflow, as-of.

Every change to a file is one atomic update of its document that also queues, in the same
write, its events: the change on the registry topic (the audit trail, the history and the
source of a rebuild) and the new snapshot on the compacted households topic."""
from __future__ import annotations

import re
from datetime import datetime, time, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared import outbox
from shared.events.envelope import utcnow_iso
from shared.events.occurrence import occurred_time
from shared.messages import N_, Message
from shared.store import WriteConflict, insert_new
from shared.events.types.registry import CADRE_ASSIGNED, CHANGED, HOUSEHOLD_SNAPSHOT, IDENTIFIED, STATUS_CHANGED
from services.registry.adapters.persons import DuplicatePerson, IdProtection, PersonClaims
from services.registry.domain import change_requests as cr
from services.registry.domain.areas import path_of
from services.registry.domain.exit_rules import DutyRefused, StepRefused, duty_problem, next_step
from services.registry.adapters.summaries import HouseholdSummaries
from services.registry.adapters.warnings import Warnings
from services.registry.domain.households import counted_place, file_of, new_household_id, place_of

# Search results: by county, then name, then id (one order for every scope; in a county's
# scope, name order), the order of the index on these fields: a page is read from the index.
SEARCH_ORDER = [("county_code", ASCENDING), ("head_name", ASCENDING), ("_id", ASCENDING)]
SUPERSEDED_SEARCH_INDEX = "county_code_1_head_name_1"   # before search pages were read in index order
# summary, applied and warnings: an earlier release kept them in the file; they live apart now
# (summaries.py, warnings.py) and are attached when a file is read.
HIDDEN = {"applied": 0, "applied_changes": 0, "summary": 0, "warnings": 0,
          outbox.PENDING_FIELD: 0, outbox.FLAG_FIELD: 0, outbox.REV_FIELD: 0}


def snapshot_event(doc: dict) -> dict:
    return outbox.event(HOUSEHOLD_SNAPSHOT.type, "registry", doc["_id"], {
        "household_id": doc["_id"], "head_name": doc["head_name"], "status": doc["status"],
        "county_code": doc["county_code"], "village_code": doc["village_code"], "township": doc["township"],
        "village": doc["village"], "members": len(doc["members"]), "version": doc["version"],
    })


def _file_event(type_name: str, doc: dict, by: str, before: dict | None, time: str | None = None, **extra) -> dict:
    """``time``: when the change happened, if on an earlier day than it is recorded."""
    file = file_of(doc)
    return outbox.event(type_name, "registry", doc["_id"], {
        "household_id": doc["_id"], "recorded_by": by, "version": doc["version"], "file": _jsonable(file),
        "before": before, "after": place_of(doc), **extra}, time)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


class HouseholdRepository:
    def __init__(self, db: Database, protection: IdProtection):
        self.households = db["households"]
        self.versions = db["household_versions"]
        self.protection = protection
        self.claims = PersonClaims(db)
        self.summaries = HouseholdSummaries(db)
        self.warnings = Warnings(db)

    def ensure_indexes(self) -> None:
        outbox.ensure_outbox_index(self.households)
        self.households.create_index(SEARCH_ORDER)
        if SUPERSEDED_SEARCH_INDEX in self.households.index_information():
            self.households.drop_index(SUPERSEDED_SEARCH_INDEX)  # its prefix: every write paid for both
        self.households.create_index([("village_code", ASCENDING), ("status", ASCENDING)])
        self.versions.create_index([("household_id", ASCENDING), ("valid_from", DESCENDING)])

    # --- reading ----------------------------------------------------------------------
    def get(self, household_id: str) -> dict | None:
        doc = self.households.find_one({"_id": household_id}, HIDDEN)
        return self._with_derived([doc])[0] if doc else None

    def _with_derived(self, docs: list[dict]) -> list[dict]:
        """The files with their assistance summary and warnings (kept apart by the consumer)."""
        return self.warnings.attach(self.summaries.attach(docs)) if docs else docs

    def search(self, scope: dict, q: str | None = None, area: str | None = None, status: str | None = None,
               skip: int = 0, limit: int = 50) -> tuple[list[dict], int]:
        query = dict(scope)
        if area:
            if scope.get("county_code") and not (area.startswith(scope["county_code"]) or scope["county_code"].startswith(area.rstrip("0"))):
                return [], 0
            query["village_code" if len(area) > 6 else "county_code"] = \
                {"$regex": "^" + re.escape(area)} if len(area) > 6 else area
        if status:
            query["status"] = status
        if q:
            query["head_name"] = {"$regex": "^" + re.escape(q)}
        # The store answers the page and the count from the index without reading every match
        # (the local store too: deploy/local/ferretdb/patches.py, part 3).
        total = self.households.database.command("count", self.households.name, query=query)["n"]
        page = self.households.find(query, HIDDEN).sort(SEARCH_ORDER).skip(skip).limit(limit)
        return self._with_derived(list(page)), total

    def with_open_warnings(self, scope: dict, limit: int = 500) -> list[dict]:
        """Files with an open return-to-poverty warning, in a person's scope."""
        ids = self.warnings.open_households(scope, limit)
        files = {d["_id"]: d for d in self.households.find({"_id": {"$in": ids}, **scope}, HIDDEN)} if ids else {}
        return self._with_derived([files[i] for i in ids if i in files])

    def as_of(self, household_id: str, day) -> dict | None:
        """The file as it stood at the end of ``day`` (from the versions the consumer keeps)."""
        end = datetime.combine(day, time.max, tzinfo=timezone.utc).isoformat()
        doc = self.versions.find_one({"household_id": household_id, "valid_from": {"$lte": end}},
                                     sort=[("version", DESCENDING)])
        return doc and {**doc["file"], "as_of": day.isoformat(), "version": doc["version"]}

    # --- creating ---------------------------------------------------------------------
    def new_members(self, members: list[dict]) -> list[dict]:
        stored = []
        for member in members:
            member = dict(member)
            number = member.pop("id_number", None)
            member["member_id"] = member.get("member_id") or cr.new_member_id()
            if number:
                member.update(self.protection.protect(number))
            stored.append(member)
        return stored

    def create(self, fields: dict, by: str, household_id: str | None = None) -> dict:
        doc = self._new_document(fields, by, household_id or new_household_id(fields["village_code"][:6]))
        self._claim_all(doc)
        identified = _file_event(IDENTIFIED.type, doc, by, None, occurred_time(doc.get("identified_on")),
                                 reason=fields.get("reason", ""))
        doc["version_time"] = identified["time"]
        try:
            outbox.insert(self.households, doc, identified, snapshot_event(doc))
        except DuplicateKeyError:
            if household_id is None:
                raise
            return self.get(household_id)  # an idempotent re-import / split already done
        self._keep_versions([identified])
        return self.get(doc["_id"])

    def _keep_versions(self, file_events: list[dict]) -> None:
        """Each new version of a file as its event will carry it, stored now (an append), as
        the consumer stores it when the event arrives (``$setOnInsert``, the same document):
        counting an event as of its time (events.py) finds the version without waiting for
        the registry's topic. A crash before this leaves it to the consumer."""
        insert_new(self.versions, [{"_id": f"{e['subject']}:{e['data']['version']:08d}", "household_id": e["subject"],
                                    "version": e["data"]["version"], "valid_from": e["time"], "file": e["data"]["file"]}
                                   for e in file_events])

    def _claim_all(self, doc: dict) -> None:
        claimed = []
        try:
            for member in doc["members"]:
                if member.get("id_hash"):
                    self.claims.claim(member["id_hash"], member["id_masked"], doc["_id"], member["member_id"])
                    claimed.append(member["id_hash"])
        except Exception:
            for id_hash in claimed:
                self.claims.release(id_hash, doc["_id"])
            raise

    # --- changing ---------------------------------------------------------------------
    def _update(self, doc: dict, after: dict, by: str, events_for) -> dict:
        """Write ``after`` if the file is still at ``doc``'s version, with its events."""
        now = utcnow_iso()
        after = {**after, "version": doc["version"] + 1, "updated_at": now, "updated_by": by}
        update = {"$set": {k: v for k, v in file_of(after).items() if k != "_id"}}
        events = events_for(after)
        update["$set"]["version_time"] = events[0]["time"]   # the file event comes first, its snapshot after
        result = outbox.update(self.households, {"_id": doc["_id"], "version": doc["version"]}, update, *events)
        if result.matched_count == 0:
            raise WriteConflict(f"household {doc['_id']} changed meanwhile; reload and try again")
        self._keep_versions(events[:1])
        self.summaries.set_place(doc["_id"], counted_place(after, events[0]["time"]))
        return self.get(doc["_id"])

    def apply_change(self, request: dict, by: str) -> list[str]:
        """Apply an approved change request, idempotently (guarded by its id in each file
        it touches). Returns the ids of the households changed or created."""
        kind, payload, rid = request["kind"], request["payload"], request["_id"]
        source = self.households.find_one({"_id": request["household_id"]})
        touched = [source["_id"]]
        moving = [m for m in source["members"] if m["member_id"] in
                  set(payload.get("member_ids") or [payload.get("member_id")])]
        if kind == "add_member":
            payload = {**payload, "member": self.new_members([payload["member"]])[0]}
            if payload["member"].get("id_hash"):
                self.claims.claim(payload["member"]["id_hash"], payload["member"]["id_masked"], source["_id"],
                                  payload["member"]["member_id"])
        if kind == "move_area":
            payload = {**payload, "county_code": payload["village_code"][:6], "area": path_of(payload["village_code"])}
        if kind == "transfer_member":
            target = self.households.find_one({"_id": payload["to_household_id"]})
            if target is None:
                raise cr.ChangeRefused("no_household", N_("no household %(household)s"),
                                       {"household": payload["to_household_id"]})
            if rid not in target.get("applied_changes", []):
                after, changes = cr.receiving_side(target, moving)
                self._apply_one(target, after, changes, kind, request, by)
            touched.append(target["_id"])
        if kind == "split":
            fields = cr.split_household(source, payload["member_ids"], payload["new_head_member_id"])
            self.create({**fields, "reason": request.get("reason", "")}, by, household_id=payload["new_household_id"])
            touched.append(payload["new_household_id"])
        if rid not in source.get("applied_changes", []):
            after, changes = cr.apply(source, kind, payload)
            self._apply_one(source, after, changes, kind, request, by)
        for member in moving:
            if member.get("id_hash"):
                if kind == "remove_member":
                    self.claims.release(member["id_hash"], source["_id"])
                else:
                    self.claims.move(member["id_hash"], touched[-1])
        return touched

    def _apply_one(self, doc: dict, after: dict, changes: list, kind: str, request: dict, by: str) -> dict:
        after["applied_changes"] = doc.get("applied_changes", []) + [request["_id"]]
        before = place_of(doc)
        return self._update(doc, after, by, lambda new: [
            _file_event(CHANGED.type, new, by, before, kind=kind, change_request_id=request["_id"],
                        reason=request.get("reason", ""), changes=_jsonable(changes),
                        **({"reasons": request["reasons"]} if request.get("reasons") else {})),
            snapshot_event(new)])

    def step(self, household_id: str, step: str, by: str, reason: str, today, notice_days: int,
             override: bool = False) -> dict:
        """One step of the exit / return workflow; raises StepRefused (DutyRefused: ``by`` took
        an earlier step another person must follow, and no ``override``) or WriteConflict.
        Both rules are checked on the version the guarded write replaces."""
        doc = self.households.find_one({"_id": household_id})
        move = next_step(doc["status"], step, today, (doc.get("exit") or {}).get("notice_until"), notice_days)
        exit_info = dict(doc.get("exit") or {})
        since = exit_info.get("last_step_on") or doc.get("identified_on") or str(doc.get("created_at", ""))[:10]
        if since and today.isoformat() < since:
            # A step recorded later keeps the file's order: never dated before what it follows.
            raise StepRefused(Message("dated_too_early", N_(
                "a step cannot be dated before %(since)s, the household's last step or identification"), {"since": since}))
        problem = duty_problem(step, by, exit_info.get("taken_by") or {}, override)
        if problem:
            raise DutyRefused(problem)
        taken_by = {} if step == "propose_exit" else dict(exit_info.get("taken_by") or {})  # a new exit starts afresh
        exit_info.update({"last_step": step, "last_step_on": today.isoformat(), "last_reason": reason,
                          "taken_by": {**taken_by, step: by}})
        if move.notice_until:
            exit_info["notice_until"] = move.notice_until
        after = {**doc, "status": move.to_status, "exit": exit_info}
        before = place_of(doc)
        return self._update(doc, after, by, lambda new: [
            _file_event(STATUS_CHANGED.type, new, by, before, occurred_time(today), step=step, from_status=move.from_status,
                        to_status=move.to_status, reason=reason, notice_until=move.notice_until),
            snapshot_event(new)])

    def set_cadre(self, doc: dict, cadre: dict | None, history: list[dict], ended: dict | None, by: str,
                  reason: str) -> dict:
        """The household's assistance cadre (帮扶责任人) as services/registry/domain/villages.py
        reassigned it, if the file is still at ``doc``'s version (else WriteConflict)."""
        before = place_of(doc)
        return self._update(doc, {**doc, "cadre": cadre, "cadre_history": history}, by, lambda new: [
            _file_event(CADRE_ASSIGNED.type, new, by, before, cadre=cadre, ended=ended, reason=reason),
            snapshot_event(new)])

    # --- creating many (bulk import) --------------------------------------------------
    def create_many(self, items: list[tuple[str, dict]], by: str) -> dict:
        """Create many files at once, idempotently by their given ids.

        ``items`` are (household_id, fields) pairs; returns {household_id: "created" |
        "already_present" | DuplicatePerson}. The documents and their outbox events are
        exactly those of create(); only the round trips differ (one insert_many for the
        claims, one for the files, instead of three writes and a read per household), which
        is what makes an import of tens of thousands of households take minutes, not hours."""
        docs = {hid: self._new_document(fields, by, hid) for hid, fields in items}
        outcome: dict = {}
        fresh, kept = self._claim_many(docs, outcome)
        writable = [doc for hid, doc in docs.items() if hid not in outcome]
        identified = {doc["_id"]: _file_event(IDENTIFIED.type, doc, by, None, reason=doc.get("reason", ""))
                      for doc in writable}
        for doc in writable:
            doc["version_time"] = identified[doc["_id"]]["time"]
        present = outbox.insert_many(self.households, [(doc, [identified[doc["_id"]], snapshot_event(doc)])
                                                       for doc in writable])
        for doc in writable:
            outcome[doc["_id"]] = "already_present" if doc["_id"] in present else "created"
        self._keep_versions([event for hid, event in identified.items() if hid not in present])
        # Claims left for this household by an attempt that died before writing it name that
        # attempt's member ids: point them at the members just written, or they look stale.
        for hid, id_hash, member_id in kept:
            if outcome[hid] == "created":
                self.claims.persons.update_one({"_id": id_hash, "household_id": hid}, {"$set": {"member_id": member_id}})
        # A file already there keeps its own claims; a claim just taken for it (its ID
        # numbers in this file differ from the stored ones) must not point at it.
        for hid in present:
            for id_hash in fresh.get(hid, []):
                self.claims.release(id_hash, hid)
        return outcome

    def _new_document(self, fields: dict, by: str, household_id: str) -> dict:
        """A new file as create() and create_many() write it."""
        members = self.new_members(fields["members"])
        head = next(m for m in members if m["relation"] == "head")
        now = utcnow_iso()
        dated = {"identified_on": fields["identified_on"].isoformat()} if fields.get("identified_on") else {}
        return {**{k: v for k, v in fields.items() if k not in ("members", "identified_on")}, **dated, "members": members,
                "_id": household_id, "county_code": fields["village_code"][:6], "area": path_of(fields["village_code"]),
                "head_member_id": head["member_id"], "head_name": head["name"], "status": "identified",
                "version": 1, "created_at": now, "created_by": by, "updated_at": now, "updated_by": by,
                "applied_changes": []}

    def _claim_many(self, docs: dict, outcome: dict) -> tuple[dict, list]:
        """Claim every member's ID number in one insert_many; the few already claimed go
        through PersonClaims.claim (same household: kept; stale: taken over; someone
        else's: that household is refused). Returns the claims newly taken, by household,
        and the (household, id_hash, member_id) of those kept from an earlier attempt."""
        wanted = [(hid, m) for hid, doc in docs.items() for m in doc["members"] if m.get("id_hash")]
        taken = insert_new(self.claims.persons, [{"_id": m["id_hash"], "household_id": hid, "member_id": m["member_id"]}
                                                  for hid, m in wanted])
        fresh: dict = {}
        kept: list = []
        owner = {m["id_hash"]: hid for hid, m in wanted if m["id_hash"] not in taken}
        for hid, member in wanted:
            id_hash = member["id_hash"]
            if id_hash not in taken:
                fresh.setdefault(hid, []).append(id_hash)
            elif owner.get(id_hash, hid) != hid:   # twice in this batch: claim() would see a stale claim
                outcome[hid] = DuplicatePerson(member["id_masked"], owner[id_hash])
            else:
                try:
                    self.claims.claim(id_hash, member["id_masked"], hid, member["member_id"])
                    kept.append((hid, id_hash, member["member_id"]))
                except DuplicatePerson as exc:
                    outcome[hid] = exc
        for hid in outcome:
            for id_hash in fresh.pop(hid, []):
                self.claims.release(id_hash, hid)
        return fresh, [k for k in kept if k[0] not in outcome]

    # --- reading many (bulk import checks) --------------------------------------------
    # On the local store (FerretDB/SQLite) every query scans the collection, even one by _id
    # (it stops at the first match: a missing id costs a full scan), and $in costs about a
    # scan per thousand elements. So these read in few large queries, never one per
    # household; on MongoDB the same queries use the indexes.
    def id_claims(self, id_hashes: list[str]) -> dict:
        """{id_hash: {household_id, member_id}} of the claims there are for these ID numbers
        (a claim may be stale: see still_held)."""
        claims: dict = {}
        for chunk in _chunks(list(id_hashes), LOOKUP_CHUNK):
            claims.update((c.pop("_id"), c) for c in self.claims.persons.find({"_id": {"$in": chunk}}))
        return claims

    def still_held(self, claims: dict) -> dict:
        """{id_hash: household_id} of the claims (as id_claims gives them) whose member is
        still in that household and it is not removed: PersonClaims.where for many."""
        members = {}
        for chunk in _chunks(sorted({c["household_id"] for c in claims.values()}), LOOKUP_CHUNK):
            members.update((d["_id"], {m["member_id"] for m in d["members"]}) for d in self.households.find(
                {"_id": {"$in": chunk}, "status": {"$ne": "removed"}}, {"members.member_id": 1}))
        return {h: c["household_id"] for h, c in claims.items() if c["member_id"] in members.get(c["household_id"], ())}

    def existing(self, household_ids: set, counties) -> set:
        """Which of these files exist: one pass over the counties' files (their index on MongoDB)."""
        if not household_ids:
            return set()
        found = self.households.find({"county_code": {"$in": sorted(counties)}}, {"_id": 1})
        return {d["_id"] for d in found if d["_id"] in household_ids}


LOOKUP_CHUNK = 20_000   # ids per $in: ~1.5 MB, well under the 16 MB message limit; few round trips


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
