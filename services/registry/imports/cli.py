"""Import household files from the command line, as the web upload does:

    python -m services.registry.imports.cli FILE --user NAME [--dry-run]

Progress goes to stdout as it happens; every error is listed by file row and column.
Exit code: 0 imported (or valid, with --dry-run), 1 errors in the file, 2 bad usage.
Running the same file again completes an interrupted import and creates nothing twice."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from shared.auth.roles import WRITE
from shared.auth.store import AuthStore
from shared.config import Settings
from shared.gazetteer.store import Gazetteer
from shared.store import auth_db, gazetteer_db, make_client, service_db
from services.registry.adapters.households import HouseholdRepository
from services.registry.adapters.persons import IdProtection
from services.registry.imports.parsing import MAX_BYTES
from services.registry.imports.service import BulkImports


def main(argv: list[str] | None = None, out=sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.registry.imports.cli", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path, help="a .csv or .xlsx file (see docs/import-format.md)")
    parser.add_argument("--user", required=True, help="who imports (a user of the shared auth database)")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    args = parser.parse_args(argv)

    settings = Settings.from_env("registry")
    client = make_client(settings)
    try:
        principal = AuthStore(auth_db(client, settings)).principal(args.user)
        if principal is None or not principal.can(WRITE, "registry"):
            print(f"error: {args.user!r} is not a user who may write household files", file=sys.stderr)
            return 2
        if not args.file.is_file() or args.file.stat().st_size > MAX_BYTES:
            print(f"error: {args.file} is not a readable file of at most {MAX_BYTES // 2**20} MB", file=sys.stderr)
            return 2
        db = service_db(client, settings)
        protection = IdProtection(settings)
        importer = BulkImports.build(db, HouseholdRepository(db, protection), protection, settings.secret_key,
                                     Gazetteer(gazetteer_db(client, settings))).importer
        # In the foreground (not begin's background thread), to print its progress.
        run = importer.runs.new(args.file.name, principal.username, principal.county, args.dry_run, source="cli")
        # Printed as a job, as the web pages and the API name it.
        print(f"job {run['_id']}: checking {args.file.name} …", file=out, flush=True)
        started = time.monotonic()
        run = importer.run(run["_id"], args.file.read_bytes(), _Progress(out, started))
        return report(run, out, time.monotonic() - started)
    finally:
        client.close()


class _Progress:
    """Prints a line when the run moves on (each written batch), not on every call."""

    def __init__(self, out, started: float):
        self.out, self.started, self.last = out, started, None

    def __call__(self, run: dict) -> None:
        state = (run["status"], run["processed"])
        if state == self.last or run["status"] not in ("writing",):
            return
        if self.last is None:
            print(f"checked {run['rows']:,} rows: {run['total']:,} households, no errors", file=self.out, flush=True)
        self.last = state
        total = run["total"] or 1
        print(f"writing: {run['processed']:,}/{run['total']:,} households ({100 * run['processed'] // total}%), "
              f"{run['created']:,} created, {run['already_present']:,} already present, "
              f"{time.monotonic() - self.started:.0f}s", file=self.out, flush=True)


def report(run: dict, out, seconds: float) -> int:
    if run["status"] == "failed":
        print(f"{run['error_count']:,} error(s) in {run['file_name']}; nothing was written:", file=out)
        for e in run["errors"]:
            print(f"  row {e['row'] if e['row'] is not None else '-'}\t{e['field'] or '-'}\t{e['message']}", file=out)
        if run["error_count"] > len(run["errors"]):
            print(f"  … and {run['error_count'] - len(run['errors']):,} more", file=out)
        return 1
    if run["status"] == "valid":
        print(f"valid: {run['rows']:,} rows, {run['total']:,} households; nothing written (dry run)", file=out)
        return 0
    print(f"{run['status']}: {run['total']:,} households from {run['rows']:,} rows in {seconds:.1f}s: "
          f"{run['created']:,} created, {run['already_present']:,} already present", file=out)
    for e in run["errors"]:   # only a race with another writer gets here
        print(f"  refused: row {e['row']}\t{e['field']}\t{e['message']}", file=out)
    return 1 if run["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
