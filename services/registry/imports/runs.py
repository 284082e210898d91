"""Import runs: the run document, the stored upload, and the runner that checks and writes.

A run goes validating → failed (nothing written, every error listed) or → writing → done.
A dry run stops at "valid". Households are written in batches through
HouseholdRepository.create_many (each file with its own outbox events), under ids derived
from (county, household_ref), so running an import again — after the process died, or by
uploading the same file — completes it and creates nothing twice.

The upload is kept (encrypted: it holds ID numbers in clear) until the run is done, so a
run interrupted while writing can be resumed from any web worker.

Called runs, not jobs, in the code: tourism's jobs are employment. The HTTP API and the pages
still say "job" (paths, ``job_id``, the JSON's names: clients depend on them), and so does
what is stored (below)."""
from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from cryptography.fernet import Fernet
from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from shared.gazetteer.checks import not_official_said
from shared.messages import Literal, Message, N_
from services.registry.imports.parsing import FileRefused, read_table
from services.registry.imports.validation import Household, Result, row_error as _error, validate

log = logging.getLogger(__name__)

BATCH = 500               # households per create_many: ~2-4 MB of documents, one round trip each
MAX_ERRORS_KEPT = 1000    # in the run document; error_count says how many there were
STALE_AFTER = timedelta(minutes=15)   # a run in progress not heard of for this long may be resumed
ACTIVE = ("validating", "writing")
FINAL = ("failed", "valid", "done")
FILE_CHUNK = 1024 * 1024  # stored upload in pieces well under the 16 MB document limit


def _now() -> datetime:
    return datetime.now(timezone.utc)


class ImportRuns:
    """import_jobs (the run), import_files (the encrypted upload), import_results (one
    document per household: its reference, id and what happened)."""

    def __init__(self, db: Database, secret_key: str):
        # The collection and the documents' ``job_id`` keep their first names: existing
        # deployments hold their runs under them.
        self.runs, self.files, self.results = db["import_jobs"], db["import_files"], db["import_results"]
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"import-files:" + secret_key.encode()).digest()))

    def ensure_indexes(self) -> None:
        self.runs.create_index([("county", ASCENDING), ("started_at", DESCENDING)])
        self.files.create_index("job_id")
        self.results.create_index([("job_id", ASCENDING), ("row", ASCENDING)])

    def new(self, file_name: str, username: str, county: str | None, dry_run: bool = False, source: str = "web") -> dict:
        now = _now()
        run = {"_id": "I" + secrets.token_hex(8).upper(), "file_name": file_name[:200], "uploaded_by": username,
               "county": county, "dry_run": dry_run, "source": source, "status": "validating", "rows": 0, "total": 0,
               "processed": 0, "created": 0, "already_present": 0, "errors": [], "error_count": 0,
               "resumable": False, "started_at": now, "updated_at": now, "finished_at": None}
        self.runs.insert_one(run)
        return run

    def get(self, run_id: str) -> dict | None:
        return self.runs.find_one({"_id": run_id})

    def recent(self, county: str | None, limit: int = 20) -> list[dict]:
        query = {"county": county} if county else {}
        return list(self.runs.find(query, {"errors": 0}).sort("started_at", DESCENDING).limit(limit))

    def update(self, run_id: str, **fields) -> None:
        self.runs.update_one({"_id": run_id}, {"$set": {**fields, "updated_at": _now()}})

    def finish(self, run_id: str, status: str, errors: list | None = None, resumable: bool = False, **fields) -> None:
        errors = errors or []
        self.update(run_id, status=status, errors=errors[:MAX_ERRORS_KEPT], error_count=len(errors),
                    resumable=resumable, finished_at=_now(), **fields)
        if not resumable:
            self.drop_file(run_id)

    def take_over(self, run_id: str) -> bool:
        """Claim a run to go through it again (failed while writing, or silent for
        STALE_AFTER); a compare-and-set, so two workers never run the same import at once."""
        result = self.runs.update_one(
            {"_id": run_id, "$or": [{"status": "failed", "resumable": True},
                                    {"status": {"$in": list(ACTIVE)}, "updated_at": {"$lt": _now() - STALE_AFTER}}]},
            {"$set": {"status": "validating", "resumable": False, "errors": [], "error_count": 0,
                      "finished_at": None, "updated_at": _now()}})
        return result.modified_count == 1

    @staticmethod
    def may_resume(run: dict) -> bool:
        if run["status"] == "failed":
            return bool(run.get("resumable"))
        updated = run["updated_at"] if run["updated_at"].tzinfo else run["updated_at"].replace(tzinfo=timezone.utc)
        return run["status"] in ACTIVE and updated < _now() - STALE_AFTER

    # --- the upload -----------------------------------------------------------------------
    def store_file(self, run_id: str, data: bytes) -> None:
        self.files.insert_many([{"_id": f"{run_id}:{n}", "job_id": run_id, "n": n,
                                 "data": self._fernet.encrypt(data[start:start + FILE_CHUNK])}
                                for n, start in enumerate(range(0, max(len(data), 1), FILE_CHUNK))])

    def load_file(self, run_id: str) -> bytes | None:
        chunks = sorted(self.files.find({"job_id": run_id}), key=lambda c: c["n"])
        return b"".join(self._fernet.decrypt(bytes(c["data"])) for c in chunks) if chunks else None

    def drop_file(self, run_id: str) -> None:
        self.files.delete_many({"job_id": run_id})

    # --- results --------------------------------------------------------------------------
    def record(self, run_id: str, households: list[Household], statuses: dict) -> dict:
        """Record what happened to each household; a household recorded by an earlier attempt
        of this run keeps its first record. Returns the counts of what was newly recorded."""
        docs = [{"_id": f"{run_id}:{h.household_id}", "job_id": run_id, "row": h.rows[0], "household_ref": h.ref,
                 "household_id": h.household_id, "status": statuses[h.household_id]} for h in households]
        try:
            self.results.insert_many(docs, ordered=False)
            kept = docs
        except BulkWriteError as exc:
            if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                raise
            again = {docs[e["index"]]["_id"] for e in exc.details["writeErrors"]}
            kept = [d for d in docs if d["_id"] not in again]
        counts = {"processed": len(kept)}
        for doc in kept:
            counts[doc["status"]] = counts.get(doc["status"], 0) + 1
        return counts

    def advance(self, run_id: str, counts: dict) -> None:
        inc = {k: counts.get(k, 0) for k in ("processed", "created", "already_present")}
        self.runs.update_one({"_id": run_id}, {"$inc": inc, "$set": {"updated_at": _now()}})

    def results_of(self, run_id: str):
        return self.results.find({"job_id": run_id}, {"_id": 0, "job_id": 0}).sort("row", ASCENDING)


@dataclass
class Importer:
    """Checks a file and writes its households; Flask-free, so the CLI, a web worker's
    background thread and the tests run the very same code."""

    runs: ImportRuns
    households: object      # HouseholdRepository
    protection: object      # IdProtection
    key: bytes
    areas: object           # shared.gazetteer.store.Gazetteer: villages must be official
    batch: int = BATCH

    def run(self, run_id: str, data: bytes, progress: Callable[[dict], None] = lambda run: None) -> dict:
        try:
            self._run(self.runs.get(run_id), data, progress)
        except Exception as exc:   # the store went away, a bug: say so on the run, keep what was written
            # Logged under its first name: what operators' searches and alerts look for.
            log.exception("import job failed", extra={"job_id": run_id})
            run = self.runs.get(run_id) or {}
            self.runs.finish(run_id, "failed", [_error(None, "", Message("stopped", N_(
                "The import stopped (%(problem)s). Run it again: nothing is written twice."),
                {"problem": Literal(f"{type(exc).__name__}: {exc}")}))],
                             resumable=run.get("status") == "writing" and run.get("source") == "web")
        run = self.runs.get(run_id)
        progress(run)
        return run

    def check(self, run: dict, data: bytes) -> Result:
        """Parse and validate every row, then what needs the store: nothing is written."""
        try:
            table = read_table(data, run["file_name"])
        except FileRefused as exc:
            return Result([], [_error(None, "", exc.said)])
        # The files' history says "job", as docs/import-format.md and earlier imports do.
        result = validate(table.headers, table.rows, self.key, run["county"],
                          reason=f"imported from {run['file_name']} (job {run['_id']})")
        self.runs.update(run["_id"], rows=result.rows)   # a heartbeat: the run is alive, not stale
        result.add_errors(self._store_checks(result))
        return result

    def _store_checks(self, result: Result) -> list:
        """ID numbers that belong to another household already are errors. And, on the way,
        which households may be there already (a re-import, a resumed run): those whose ID
        numbers are claimed for them, and those without ID numbers. Households whose ID
        numbers nobody holds cannot be there, and are not looked up: a fresh import pays
        for no lookup at all."""
        own, where = {}, {}
        for household in result.households:
            for number, row in household.id_rows.items():
                id_hash = self.protection.hash(number)
                own[id_hash], where[id_hash] = household.household_id, row
        claims = self.households.id_claims(list(own))
        held = self.households.still_held({h: c for h, c in claims.items() if c["household_id"] != own[h]})
        result.maybe_present = {own[h] for h, c in claims.items() if c["household_id"] == own[h]} | {
            h.household_id for h in result.households if not h.id_rows}
        errors = [_error(where[h], result.header("id_number"), _held(other)) for h, other in held.items()]
        return errors + self._unofficial_villages(result)

    def _unofficial_villages(self, result: Result) -> list:
        """A household in a village the official codes do not have is its first row's error
        (one query for the file's villages)."""
        unknown = self.areas.unknown({h.fields["village_code"] for h in result.households})
        return [_error(h.rows[0], result.header("village_code"),
                       not_official_said(self.areas, h.fields["village_code"], "a village"))
                for h in result.households if h.fields["village_code"] in unknown]

    def _run(self, run: dict, data: bytes, progress) -> None:
        run_id = run["_id"]
        result = self.check(run, data)
        if result.errors:
            self.runs.finish(run_id, "failed", result.errors, rows=result.rows, total=len(result.households))
            return
        households = result.households
        present = self.households.existing(result.maybe_present, {h.county for h in households})
        if run["dry_run"]:
            self.runs.finish(run_id, "valid", rows=result.rows, total=len(households), already_present=len(present))
            return
        self.runs.update(run_id, status="writing", rows=result.rows, total=len(households))
        progress(self.runs.get(run_id))
        known = [h for h in households if h.household_id in present]
        for start in range(0, len(known), self.batch):   # nothing to write: only the report
            part = known[start:start + self.batch]
            self.runs.advance(run_id, self.runs.record(run_id, part, dict.fromkeys([h.household_id for h in part],
                                                                                   "already_present")))
        progress(self.runs.get(run_id))
        refused, todo = [], [h for h in households if h.household_id not in present]
        for start in range(0, len(todo), self.batch):
            part = todo[start:start + self.batch]
            # create_many finds any file there after all (a race) by its duplicate id.
            outcome = self.households.create_many([(h.household_id, h.fields) for h in part], run["uploaded_by"])
            # Refused only if someone took an ID number since the check (a race): reported, not written.
            refused += [_error(min(h.id_rows.values(), default=h.rows[0]), result.header("id_number"),
                               _held(o.household_id))
                        for h in part for o in [outcome[h.household_id]] if not isinstance(o, str)]
            statuses = {hid: o if isinstance(o, str) else "refused" for hid, o in outcome.items()}
            self.runs.advance(run_id, self.runs.record(run_id, part, statuses))
            progress(self.runs.get(run_id))
        self.runs.finish(run_id, "done", refused)


def _held(household_id: str) -> Message:
    return Message("id_number_held", N_("This person already belongs to household %(household)s."),
                   {"household": household_id})


def start(importer: Importer, run_id: str, data: bytes) -> threading.Thread:
    """Go through a run in the background of this process (a web request must answer at
    once). If the process dies, the run is resumed with the stored upload (see
    ImportRuns.take_over)."""
    thread = threading.Thread(target=importer.run, args=(run_id, data), name=f"import-{run_id}", daemon=True)
    thread.start()
    return thread
