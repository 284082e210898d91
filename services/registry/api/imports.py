"""Bulk import of household files over HTTP: upload → 202 with the run; poll it; fetch the
results as CSV. The work runs in the background (services/registry/imports/service.py).

The code calls them import runs; this API calls them jobs — the paths, ``job_id``, the
schemas' names and the JSON — and keeps doing so: clients depend on them."""
from __future__ import annotations

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.web.csv_export import csv_response, csv_text
from shared.web.schemas import StrictSchema
from services.registry.api.common import refusals, registry
from services.registry.imports.parsing import MAX_BYTES, FileRefused, kind_of
from services.registry.imports.service import BulkImports

blp = Blueprint("imports", __name__, url_prefix="/api/imports",
                description="Bulk import of household files from CSV or Excel (.xlsx); see docs/import-format.md")



def upload_limit() -> int:
    """The app caps bodies at MAX_BODY_BYTES; an import file may be up to MAX_UPLOAD_BYTES
    (at most the parser's own MAX_BYTES). Views marked ``large_upload`` get this limit from
    the app factory before anything reads the body."""
    return min(current_app.extensions["settings"].max_upload_bytes, MAX_BYTES)


class UploadSchema(StrictSchema):
    file = Upload(required=True, metadata={"description": ".csv (UTF-8 or GB18030) or .xlsx, at most 20 MB"})


class UploadQuerySchema(StrictSchema):
    # In the query string: OpenAPI documents one request body, and it is the multipart file.
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check every row, write nothing"})


class RowErrorSchema(Schema):
    row = fields.Integer(allow_none=True, metadata={"description": "1-based row of the file (1 = header); null = the whole file"})
    field = fields.String(metadata={"description": "the column header as the file spells it"})
    message = fields.String(metadata={"description": "what is wrong, in English"})
    problem_codes = fields.Function(lambda e: [m["code"] for m in e.get("said", [])], metadata={
        "description": "what is wrong, by code (one per sentence of the message; absent for jobs stored "
                       "before codes were kept)"})


class ImportJobSchema(Schema):
    id = fields.String(attribute="_id")
    file_name = fields.String()
    uploaded_by = fields.String()
    county = fields.String(allow_none=True, metadata={"description": "the uploader's county scope (null: all)"})
    dry_run = fields.Boolean()
    status = fields.String(metadata={"description": "validating, failed, valid (dry run), writing, done"})
    rows = fields.Integer(metadata={"description": "data rows (members) in the file"})
    total = fields.Integer(metadata={"description": "households in the file"})
    processed = fields.Integer()
    created = fields.Integer()
    already_present = fields.Integer()
    errors = fields.List(fields.Nested(RowErrorSchema), metadata={"description": "the first 1,000"})
    error_count = fields.Integer()
    resumable = fields.Boolean(metadata={"description": "stopped while writing: POST …/resume completes it"})
    started_at = fields.DateTime()
    updated_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    results_url = fields.Method("_results_url")

    def _results_url(self, run):
        return url_for("imports.ImportResults", job_id=run["_id"])


class ImportJobSummarySchema(ImportJobSchema):
    class Meta:
        exclude = ("errors",)


def bulk_imports() -> BulkImports:
    return registry().imports


def run_or_404(run_id: str, action: str = READ) -> dict:
    principal = authorize(action)
    with refusals():
        return bulk_imports().run(run_id, principal.county)


def start_import(file_storage, dry_run: bool) -> dict:
    """Check the upload's size and kind, then start a run of it; the run document."""
    principal = authorize(WRITE)
    limit = upload_limit()
    data = file_storage.read(limit + 1)
    if len(data) > limit:
        abort(413, message=f"The file is larger than {limit / 2**20:g} MB; split it.")
    try:
        kind_of(data, file_storage.filename or "")
    except FileRefused as exc:
        abort(422, message=str(exc), errors={"files": {"file": [str(exc)]}})
    return bulk_imports().begin(file_storage.filename or "upload", data, principal.username, principal.county, dry_run)


def resume_run(run_id: str) -> dict:
    principal = authorize(WRITE)
    with refusals():
        return bulk_imports().resume(run_id, principal.county)


@blp.route("")
class Imports(MethodView):
    large_upload = True
    @blp.response(200, ImportJobSummarySchema(many=True))
    def get(self):
        """The latest import jobs (of the caller's county, for county-scoped roles)."""
        return bulk_imports().recent(authorize(READ).county)

    @blp.arguments(UploadQuerySchema, location="query")
    @blp.arguments(UploadSchema, location="files")
    @blp.response(202, ImportJobSchema)
    @blp.alt_response(413, description="the file is larger than 20 MB")
    def post(self, query, files):
        """Upload a household file (multipart field ``file``). Answers 202 at once: poll the job.

        Callers with a session cookie send the CSRF token in the ``X-CSRF-Token`` header.

        Every row is checked first; with any error nothing is written and the job lists every
        error by row and column. Re-importing creates nothing twice (ids come from the
        county and the household reference)."""
        run = start_import(files["file"], query["dry_run"])
        return run, 202, {"Location": url_for("imports.ImportJob", job_id=run["_id"])}


@blp.route("/<job_id>")
class ImportJob(MethodView):
    @blp.response(200, ImportJobSchema)
    def get(self, job_id):
        """One import job: status, progress and errors (poll it while it runs)."""
        return run_or_404(job_id)


@blp.route("/<job_id>/resume")
class ImportResume(MethodView):
    @blp.response(202, ImportJobSchema)
    @blp.alt_response(409, description="the job is running, finished, or failed validation")
    def post(self, job_id):
        """Run again a job that stopped while writing (or went silent): it completes, no duplicates."""
        return resume_run(job_id)


@blp.route("/<job_id>/results.csv")
class ImportResults(MethodView):
    @blp.response(200, content_type="text/csv", description="household_ref, household_id, status, row")
    def get(self, job_id):
        """What became of each household: its reference, its id, created or already present."""
        run_or_404(job_id)
        # A reference comes from an uploaded file: csv_response keeps it from becoming a formula.
        return csv_response(f"import-{job_id}.csv", RESULT_COLUMNS, results_rows(bulk_imports().results(job_id)))


RESULT_COLUMNS = ["household_ref", "household_id", "status", "row"]


def results_rows(results):
    return ([r["household_ref"], r["household_id"], r["status"], r["row"]] for r in results)


def results_csv(results) -> str:
    return csv_text(RESULT_COLUMNS, results_rows(results))
