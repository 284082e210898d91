"""Load the official areas into the store, or say what is loaded:

    python -m shared.gazetteer load --province 62      # Gansu (several --province allowed)
    python -m shared.gazetteer load --all              # the whole country
    python -m shared.gazetteer status
    python -m shared.gazetteer fetch                   # only fetch the tarball into the cache

Idempotent: a load run again (or resumed after a crash) skips the areas already there. The
store is the one the settings name (MONGO_URL, JINGZHUN_DB_PREFIX); the tarball is fetched
once into the cache (edition.py)."""
from __future__ import annotations

import argparse
import json
import sys
import time

from shared.config import Settings
from shared.gazetteer import edition as editions
from shared.gazetteer.store import Gazetteer
from shared.store import gazetteer_db, make_client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.gazetteer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="load the pinned edition's areas")
    scope = load.add_mutually_exclusive_group(required=True)
    scope.add_argument("--province", action="append", metavar="CODE",
                       help="a province's 2-digit code (62) or 6-digit code (620000)")
    scope.add_argument("--all", action="store_true", help="every province")
    commands.add_parser("status", help="the edition in use and what of it is loaded")
    commands.add_parser("fetch", help="fetch the pinned edition into the cache (make setup does)")
    args = parser.parse_args(argv)
    if args.command == "fetch":
        print(f"gazetteer: {editions.tarball()}")
        return 0

    settings = Settings.from_env("gazetteer")
    client = make_client(settings)
    try:
        gazetteer = Gazetteer(gazetteer_db(client, settings))
        if args.command == "status":
            print(json.dumps(gazetteer.status(), ensure_ascii=False))
            return 0
        provinces = None if args.all else sorted({code[:2] for code in args.province})
        edition = editions.CURRENT
        started = time.monotonic()

        def progress(done: int) -> None:
            print(f"gazetteer: {done:,} areas read ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)

        result = gazetteer.load(edition.name, edition.published, editions.rows(set(provinces) if provinces else None),
                                provinces, progress)
        result["seconds"] = round(time.monotonic() - started, 1)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
