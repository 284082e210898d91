"""Liveness of processes without an HTTP server (consumers, relays, workers).

A loop that is alive calls ``beat()`` each turn; it touches the file named by
``JINGZHUN_HEARTBEAT`` (if set) at most every few seconds. A cluster's liveness probe runs

    python -m shared.heartbeat check [--max-age 120]

which fails when the file is missing or older than ``--max-age`` seconds: a loop stuck in a
call that never returns is then restarted, as a web process that stops answering /healthz
would be. Without the variable, ``beat()`` does nothing (local runs, tests).

Its readiness probe adds ``--ready``: the loop is alive, and the store (within a deadline) and
the broker it works between answer (shared/readiness.py) — a relay or a consumer without
either is alive but cannot do its work, which a cluster shows as not ready rather than
restarting it."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ENV = "JINGZHUN_HEARTBEAT"
_EVERY_S = 5.0
_last = 0.0


def beat(now: float | None = None) -> None:
    global _last
    path = os.environ.get(ENV)
    if not path:
        return
    now = time.monotonic() if now is None else now
    if now - _last < _EVERY_S:
        return
    _last = now
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch()


def age_seconds(path: str | os.PathLike, now: float | None = None) -> float | None:
    """Seconds since the file was last touched, None when it does not exist."""
    try:
        mtime = Path(path).stat().st_mtime
    except FileNotFoundError:
        return None
    return (time.time() if now is None else now) - mtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.heartbeat")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="exit 1 when the heartbeat file is missing or stale")
    check.add_argument("--max-age", type=float, default=120.0)
    check.add_argument("--file", default=os.environ.get(ENV))
    check.add_argument("--ready", action="store_true", help="also require the store and the broker to answer")
    args = parser.parse_args(argv)
    if not args.file:
        print(f"no heartbeat file: set {ENV} or pass --file", file=sys.stderr)
        return 2
    age = age_seconds(args.file)
    if age is None or age > args.max_age:
        print(f"stale: {args.file} {'missing' if age is None else f'{age:.0f}s old'}", file=sys.stderr)
        return 1
    if args.ready:
        problems = {name: state for name, state in _dependencies().items() if state != "ok"}
        if problems:
            print(f"not ready: {problems}", file=sys.stderr)
            return 1
    return 0


def _dependencies() -> dict:
    from shared.config import Settings
    from shared.readiness import checks
    from shared.store import make_client
    settings = Settings.from_env("probe")
    client = make_client(settings)
    try:
        return checks(client, settings)
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
