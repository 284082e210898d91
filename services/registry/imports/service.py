"""Bulk import's use cases for the API and the pages: start a run from an upload (checked
and written in the background), see a run, resume one that stopped while writing, its
results. Free of Flask; the web layer authorizes and checks the upload's size and kind
first."""
from __future__ import annotations

from dataclasses import dataclass

from shared.programs.refused import Refused
from services.registry.imports.runs import FINAL, Importer, ImportRuns, start
from services.registry.imports.validation import import_key


@dataclass
class BulkImports:
    importer: Importer

    # The statuses a run ends in (its page stops polling), and whether one may be resumed.
    FINAL = FINAL
    may_resume = staticmethod(ImportRuns.may_resume)

    @classmethod
    def build(cls, db, households, protection, secret_key: str, areas) -> "BulkImports":
        runs = ImportRuns(db, secret_key)
        runs.ensure_indexes()
        return cls(Importer(runs, households, protection, import_key(secret_key), areas))

    @property
    def runs(self) -> ImportRuns:
        return self.importer.runs

    def recent(self, county: str | None) -> list[dict]:
        """The latest runs (of ``county`` when given), without their errors."""
        return self.runs.recent(county)

    def run(self, run_id: str, county: str | None) -> dict:
        """The run, if the caller's county scope sees it; Refused 404 otherwise."""
        run = self.runs.get(run_id)
        # A county's runs are its own; a run of the central office is not a county's to see.
        if run is None or (county and run["county"] != county):
            raise Refused(f"no import job {run_id}", None, 404)   # the API's words: clients read them
        return run

    def begin(self, file_name: str, data: bytes, by: str, county: str | None, dry_run: bool) -> dict:
        """Store the upload, make the run and start it in the background; the run document."""
        run = self.runs.new(file_name, by, county, dry_run)
        self.runs.store_file(run["_id"], data)
        start(self.importer, run["_id"], data)
        return run

    def resume(self, run_id: str, county: str | None) -> dict:
        """Go through again a run that stopped while writing (or went silent)."""
        self.run(run_id, county)
        data = self.runs.load_file(run_id)   # before taking the run over: without it, leave the run as it is
        if data is None or not self.runs.take_over(run_id):
            raise Refused("Only a job that stopped while writing can be resumed.", None, 409)
        start(self.importer, run_id, data)
        return self.runs.get(run_id)

    def results(self, run_id: str):
        """What became of each household of the run, by row."""
        return self.runs.results_of(run_id)
