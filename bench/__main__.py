"""``python -m bench [--quick] [--out docs]``: run the benchmarks against the stack named
by KAFKA_BOOTSTRAP_SERVERS and MONGO_URL (``make bench`` starts one of its own) and write
docs/benchmarks.md, docs/benchmarks.json and the charts in docs/benchmarks/."""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

from bench import report
from bench.run import Sizes, run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (what make test runs)")
    parser.add_argument("--out", default="docs", help="folder for benchmarks.md/.json (default: docs)")
    parser.add_argument("--port-base", type=int, default=26000, help="first of the three web ports used")
    parser.add_argument("--no-profile", action="store_true", help="do not attach py-spy")
    parser.add_argument("--only", help="comma-separated parts to run: ingest, publish, scale_out, reads")
    parser.add_argument("--reads", help="reads-at-size sets as households:history[,households:history…]")
    for field in dataclasses.fields(Sizes):
        if field.type in ("int", "float"):
            parser.add_argument("--" + field.name.replace("_", "-"), type=float, default=None)
    args = parser.parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes()
    overrides = {f.name: (int if f.type == "int" else float)(getattr(args, f.name)) for f in dataclasses.fields(Sizes)
                 if f.type in ("int", "float") and getattr(args, f.name) is not None}
    if args.reads:
        overrides["reads"] = tuple(tuple(int(n) for n in pair.split(":")) for pair in args.reads.split(","))
    sizes = dataclasses.replace(sizes, **overrides)
    with tempfile.TemporaryDirectory(prefix="jz-bench-") as run_dir:
        result = run(sizes, Path(run_dir), args.port_base, profile=not args.no_profile,
                     log=lambda m: print(m, flush=True), only=args.only.split(",") if args.only else None)
    path = report.write(result, Path(args.out), quick=args.quick)
    print(f"bench: wrote {path} in {result['total_seconds']} s")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
