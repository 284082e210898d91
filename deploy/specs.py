"""Specifications our generated documents are checked against, fetched into the cache once
(offline afterwards), like the Kubernetes schemas (deploy/k8s/tools.py):

    python -m deploy.specs fetch    # idempotent

- AsyncAPI's own JSON Schema for 2.6.0, from the npm package the AsyncAPI initiative
  publishes it in (``@asyncapi/specs``; ``npm pack`` checks the registry's integrity hash),
  for ``docs/asyncapi.json`` (tests/unit/test_asyncapi.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ASYNCAPI_SPECS = ("@asyncapi/specs", "6.11.1")
ASYNCAPI_VERSION = "2.6.0"


def cache() -> Path:
    return Path(os.environ.get("JINGZHUN_CACHE") or Path.home() / ".cache" / "jingzhun").expanduser() / "specs"


def asyncapi_schema() -> Path:
    """The JSON Schema of AsyncAPI 2.6.0 documents (its ``without-$id`` form: no remote refs)."""
    return cache() / f"asyncapi-specs-{ASYNCAPI_SPECS[1]}" / f"{ASYNCAPI_VERSION}.json"


def _fetch_asyncapi_schema() -> str:
    target = asyncapi_schema()
    if target.exists():
        return f"AsyncAPI {ASYNCAPI_VERSION} schema: cached"
    package, version = ASYNCAPI_SPECS
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"{package}@{version}", "--silent", "--pack-destination", tmp],
                       check=True, capture_output=True, text=True)
        tarball = next(Path(tmp).glob("*.tgz"))
        member = f"package/schemas/{ASYNCAPI_VERSION}-without-$id.json"
        with tarfile.open(tarball) as archive:
            source = archive.extractfile(member)
            if source is None:
                raise SystemExit(f"{package}@{version} has no {member}")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial")
            with partial.open("wb") as out:
                shutil.copyfileobj(source, out)
            partial.rename(target)
    return f"AsyncAPI {ASYNCAPI_VERSION} schema: unpacked from {package}@{version}"


def main(argv: list[str]) -> int:
    if argv != ["fetch"]:
        print(__doc__, file=sys.stderr)
        return 2
    print(_fetch_asyncapi_schema())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
