"""Import jobs: the job document, the stored upload, and the runner that checks and writes.

A job goes validating → failed (nothing written, every error listed) or → writing → done.
A dry run stops at "valid". Households are written in batches through
HouseholdRepository.create_many (each file with its own outbox events), under ids derived
from (county, household_ref), so running a job again — after the process died, or by
uploading the same file — completes it and creates nothing twice.

The upload is kept (encrypted: it holds ID numbers in clear) until the job is done, so a
job interrupted while writing can be resumed from any web worker."""
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

from services.registry.imports.parsing import FileRefused, read_table
from services.registry.imports.validation import Household, Result, import_key, validate

log = logging.getLogger(__name__)

BATCH = 500               # households per create_many: ~2-4 MB of documents, one round trip each
MAX_ERRORS_KEPT = 1000    # in the job document; error_count says how many there were
STALE_AFTER = timedelta(minutes=15)   # a running job not heard of for this long may be resumed
ACTIVE = ("validating", "writing")
FINAL = ("failed", "valid", "done")
FILE_CHUNK = 1024 * 1024  # stored upload in pieces well under the 16 MB document limit


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _error(row, column: str, message: str) -> dict:
    return {"row": row, "field": column, "message": message}


class ImportJobs:
    """import_jobs (the job), import_files (the encrypted upload), import_results (one
    document per household: its reference, id and what happened)."""

    def __init__(self, db: Database, secret_key: str):
        self.jobs, self.files, self.results = db["import_jobs"], db["import_files"], db["import_results"]
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"import-files:" + secret_key.encode()).digest()))

    def ensure_indexes(self) -> None:
        self.jobs.create_index([("county", ASCENDING), ("started_at", DESCENDING)])
        self.files.create_index("job_id")
        self.results.create_index([("job_id", ASCENDING), ("row", ASCENDING)])

    def new(self, file_name: str, username: str, county: str | None, dry_run: bool = False, source: str = "web") -> dict:
        now = _now()
        job = {"_id": "I" + secrets.token_hex(8).upper(), "file_name": file_name[:200], "uploaded_by": username,
               "county": county, "dry_run": dry_run, "source": source, "status": "validating", "rows": 0, "total": 0,
               "processed": 0, "created": 0, "already_present": 0, "errors": [], "error_count": 0,
               "resumable": False, "started_at": now, "updated_at": now, "finished_at": None}
        self.jobs.insert_one(job)
        return job

    def get(self, job_id: str) -> dict | None:
        return self.jobs.find_one({"_id": job_id})

    def recent(self, county: str | None, limit: int = 20) -> list[dict]:
        query = {"county": county} if county else {}
        return list(self.jobs.find(query, {"errors": 0}).sort("started_at", DESCENDING).limit(limit))

    def update(self, job_id: str, **fields) -> None:
        self.jobs.update_one({"_id": job_id}, {"$set": {**fields, "updated_at": _now()}})

    def finish(self, job_id: str, status: str, errors: list | None = None, resumable: bool = False, **fields) -> None:
        errors = errors or []
        self.update(job_id, status=status, errors=errors[:MAX_ERRORS_KEPT], error_count=len(errors),
                    resumable=resumable, finished_at=_now(), **fields)
        if not resumable:
            self.drop_file(job_id)

    def take_over(self, job_id: str) -> bool:
        """Claim a job to run it again (failed while writing, or silent for STALE_AFTER);
        a compare-and-set, so two workers never run the same job at once."""
        result = self.jobs.update_one(
            {"_id": job_id, "$or": [{"status": "failed", "resumable": True},
                                    {"status": {"$in": list(ACTIVE)}, "updated_at": {"$lt": _now() - STALE_AFTER}}]},
            {"$set": {"status": "validating", "resumable": False, "errors": [], "error_count": 0,
                      "finished_at": None, "updated_at": _now()}})
        return result.modified_count == 1

    @staticmethod
    def may_resume(job: dict) -> bool:
        if job["status"] == "failed":
            return bool(job.get("resumable"))
        updated = job["updated_at"] if job["updated_at"].tzinfo else job["updated_at"].replace(tzinfo=timezone.utc)
        return job["status"] in ACTIVE and updated < _now() - STALE_AFTER

    # --- the upload -----------------------------------------------------------------------
    def store_file(self, job_id: str, data: bytes) -> None:
        self.files.insert_many([{"_id": f"{job_id}:{n}", "job_id": job_id, "n": n,
                                 "data": self._fernet.encrypt(data[start:start + FILE_CHUNK])}
                                for n, start in enumerate(range(0, max(len(data), 1), FILE_CHUNK))])

    def load_file(self, job_id: str) -> bytes | None:
        chunks = sorted(self.files.find({"job_id": job_id}), key=lambda c: c["n"])
        return b"".join(self._fernet.decrypt(bytes(c["data"])) for c in chunks) if chunks else None

    def drop_file(self, job_id: str) -> None:
        self.files.delete_many({"job_id": job_id})

    # --- results --------------------------------------------------------------------------
    def record(self, job_id: str, households: list[Household], statuses: dict) -> dict:
        """Record what happened to each household; a household recorded by an earlier run of
        this job keeps its first record. Returns the counts of what was newly recorded."""
        docs = [{"_id": f"{job_id}:{h.household_id}", "job_id": job_id, "row": h.rows[0], "household_ref": h.ref,
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

    def advance(self, job_id: str, counts: dict) -> None:
        inc = {k: counts.get(k, 0) for k in ("processed", "created", "already_present")}
        self.jobs.update_one({"_id": job_id}, {"$inc": inc, "$set": {"updated_at": _now()}})

    def results_of(self, job_id: str):
        return self.results.find({"job_id": job_id}, {"_id": 0, "job_id": 0}).sort("row", ASCENDING)


@dataclass
class Importer:
    """Checks a file and writes its households; Flask-free, so the CLI, a web worker's
    background thread and the tests run the very same code."""

    jobs: ImportJobs
    households: object      # HouseholdRepository
    protection: object      # IdProtection
    key: bytes
    batch: int = BATCH

    def run(self, job_id: str, data: bytes, progress: Callable[[dict], None] = lambda job: None) -> dict:
        try:
            self._run(self.jobs.get(job_id), data, progress)
        except Exception as exc:   # the store went away, a bug: say so on the job, keep what was written
            log.exception("import job failed", extra={"job_id": job_id})
            job = self.jobs.get(job_id) or {}
            self.jobs.finish(job_id, "failed", [_error(None, "", f"The import stopped ({type(exc).__name__}: {exc}). "
                                                "Run it again: nothing is written twice.")],
                             resumable=job.get("status") == "writing" and job.get("source") == "web")
        job = self.jobs.get(job_id)
        progress(job)
        return job

    def check(self, job: dict, data: bytes) -> Result:
        """Parse and validate every row, then what needs the store: nothing is written."""
        try:
            table = read_table(data, job["file_name"])
        except FileRefused as exc:
            return Result([], [_error(None, "", str(exc))])
        result = validate(table.headers, table.rows, self.key, job["county"],
                          reason=f"imported from {job['file_name']} (job {job['_id']})")
        self.jobs.update(job["_id"], rows=result.rows)   # a heartbeat: the job is alive, not stale
        result.add_errors(self._store_checks(result))
        return result

    def _store_checks(self, result: Result) -> list:
        """ID numbers that belong to another household already are errors. And, on the way,
        which households may be there already (a re-import, a resumed job): those whose ID
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
        return [_error(where[h], result.header("id_number"), f"This person already belongs to household {other}.")
                for h, other in held.items()]

    def _run(self, job: dict, data: bytes, progress) -> None:
        job_id = job["_id"]
        result = self.check(job, data)
        if result.errors:
            self.jobs.finish(job_id, "failed", result.errors, rows=result.rows, total=len(result.households))
            return
        households = result.households
        present = self.households.existing(result.maybe_present, {h.county for h in households})
        if job["dry_run"]:
            self.jobs.finish(job_id, "valid", rows=result.rows, total=len(households), already_present=len(present))
            return
        self.jobs.update(job_id, status="writing", rows=result.rows, total=len(households))
        progress(self.jobs.get(job_id))
        known = [h for h in households if h.household_id in present]
        for start in range(0, len(known), self.batch):   # nothing to write: only the report
            part = known[start:start + self.batch]
            self.jobs.advance(job_id, self.jobs.record(job_id, part, dict.fromkeys([h.household_id for h in part],
                                                                                   "already_present")))
        progress(self.jobs.get(job_id))
        refused, todo = [], [h for h in households if h.household_id not in present]
        for start in range(0, len(todo), self.batch):
            part = todo[start:start + self.batch]
            # create_many finds any file there after all (a race) by its duplicate id.
            outcome = self.households.create_many([(h.household_id, h.fields) for h in part], job["uploaded_by"])
            # Refused only if someone took an ID number since the check (a race): reported, not written.
            refused += [_error(min(h.id_rows.values(), default=h.rows[0]), result.header("id_number"), str(o))
                        for h in part for o in [outcome[h.household_id]] if not isinstance(o, str)]
            statuses = {hid: o if isinstance(o, str) else "refused" for hid, o in outcome.items()}
            self.jobs.advance(job_id, self.jobs.record(job_id, part, statuses))
            progress(self.jobs.get(job_id))
        self.jobs.finish(job_id, "done", refused)


def importer_for(extensions: dict) -> Importer:
    """The Importer of a registry app (from its app.extensions), made once."""
    if "importer" not in extensions:
        jobs = ImportJobs(extensions["db"], extensions["settings"].secret_key)
        jobs.ensure_indexes()
        extensions["importer"] = Importer(jobs, extensions["households"], extensions["id_protection"],
                                          import_key(extensions["settings"].secret_key))
    return extensions["importer"]


def start(importer: Importer, job_id: str, data: bytes) -> threading.Thread:
    """Run a job in the background of this process (a web request must answer at once).
    If the process dies, the job is resumed with the stored upload (see ImportJobs.take_over)."""
    thread = threading.Thread(target=importer.run, args=(job_id, data), name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread
