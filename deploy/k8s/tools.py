"""Validate the manifests in deploy/k8s against the Kubernetes schemas, offline.

    python -m deploy.k8s.tools fetch      # kubeconform + schemas into the cache (idempotent)
    python -m deploy.k8s.tools validate   # every manifest here, strictly

What it uses, all pinned and fetched from the package registries this project may reach:
- kubeconform (Go, built with ``go install`` from the Go module proxy);
- the Kubernetes JSON schemas for one Kubernetes version, taken from the
  ``kubernetes-validate`` wheel on PyPI (which ships them), unpacked — not installed;
- the MongoDBCommunity custom resource's schema, from the CRD in the operator's Go module.
Strimzi's CRDs are published neither on PyPI, Maven Central nor the Go module proxy, so
the Strimzi kinds (Kafka, KafkaNodePool) are skipped by kubeconform and their essentials
(replication, in-sync replicas) are checked by tests/unit/test_k8s_manifests.py instead."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
KUBECONFORM = "github.com/yannh/kubeconform/cmd/kubeconform"
KUBECONFORM_VERSION = "v0.8.0"
KUBERNETES_VERSION = "1.33.0"
SCHEMAS_WHEEL = ("kubernetes-validate", "1.37.0")
MONGO_OPERATOR = ("github.com/mongodb/mongodb-kubernetes-operator", "v0.9.0")
MONGO_CRD = "config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml"
SKIPPED_KINDS = ("Kafka", "KafkaNodePool")
MANIFESTS = ("namespace.yaml", "secrets.example.yaml", "kafka.yaml", "mongodb.yaml", "jingzhun.yaml")


def cache() -> Path:
    return Path(os.environ.get("JINGZHUN_CACHE") or Path.home() / ".cache" / "jingzhun").expanduser() / "k8s"


def kubeconform_path() -> Path:
    return cache() / "bin" / f"kubeconform-{KUBECONFORM_VERSION}"


def core_schemas() -> Path:
    return cache() / "schemas" / f"v{KUBERNETES_VERSION}-local-strict"


def standalone_schemas() -> Path:
    return cache() / "schemas" / f"v{KUBERNETES_VERSION}-standalone-strict"


def crd_schemas() -> Path:
    return cache() / "schemas" / "crds"


def _fetch_kubeconform() -> str:
    target = kubeconform_path()
    if target.exists():
        return f"kubeconform {KUBECONFORM_VERSION}: cached"
    gobin = target.parent / "build"
    gobin.mkdir(parents=True, exist_ok=True)
    subprocess.run(["go", "install", f"{KUBECONFORM}@{KUBECONFORM_VERSION}"], check=True,
                   env={**os.environ, "GOBIN": str(gobin), "GOFLAGS": "-mod=mod"})
    (gobin / "kubeconform").rename(target)
    return f"kubeconform {KUBECONFORM_VERSION}: built"


def _fetch_core_schemas() -> str:
    target = core_schemas()
    if (target / "_definitions.json").exists():
        return f"kubernetes {KUBERNETES_VERSION} schemas: cached"
    download = cache() / "download"
    download.mkdir(parents=True, exist_ok=True)
    name, version = SCHEMAS_WHEEL
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
                    "--only-binary=:all:", "-d", str(download), f"{name}=={version}"], check=True)
    wheel = next(download.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    prefix = f"kubernetes_validate/kubernetes-json-schema/{target.name}/"
    partial = target.with_name(target.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith(prefix) and not member.endswith("/"):
                (partial / member[len(prefix):]).write_bytes(archive.read(member))
    partial.rename(target)
    return f"kubernetes {KUBERNETES_VERSION} schemas: unpacked from {wheel.name}"


def _fetch_crd_schemas() -> str:
    module, version = MONGO_OPERATOR
    out = crd_schemas() / "mongodbcommunity.mongodb.com" / "mongodbcommunity_v1.json"
    if out.exists():
        return "MongoDBCommunity schema: cached"
    found = subprocess.run(["go", "mod", "download", "-json", f"{module}@{version}"], check=True,
                           capture_output=True, text=True, env={**os.environ, "GOFLAGS": "-mod=mod"})
    crd = yaml.safe_load((Path(json.loads(found.stdout)["Dir"]) / MONGO_CRD).read_text())
    for entry in crd["spec"]["versions"]:
        schema = entry["schema"]["openAPIV3Schema"]
        path = crd_schemas() / crd["spec"]["group"] / f"{crd['spec']['names']['kind'].lower()}_{entry['name']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema))
    return f"MongoDBCommunity schema: from {module}@{version}"


def make_standalone(kinds: set[str]) -> None:
    """kubeconform cannot follow the wheel's ``/api/_definitions.json`` references: write
    each needed kind's schema with the definitions inside it (only the kinds we use — each
    file carries all 1.4 MB of definitions)."""
    out = standalone_schemas()
    out.mkdir(parents=True, exist_ok=True)
    definitions = None
    for kind in sorted(kinds):
        for source in core_schemas().glob(f"{kind.lower()}-*.json"):
            target = out / source.name
            if target.exists():
                continue
            if definitions is None:
                raw = (core_schemas() / "_definitions.json").read_text()
                definitions = json.loads(raw.replace("/api/_definitions.json#/$defs/", "#/$defs/"))
            schema = json.loads(source.read_text().replace("/api/_definitions.json#/$defs/", "#/$defs/"))
            schema["$schema"] = definitions["$schema"]
            schema["$defs"] = definitions["$defs"]
            partial = target.with_suffix(".partial")
            partial.write_text(json.dumps(schema))
            partial.rename(target)


def kinds_in(files: list[Path]) -> set[str]:
    return {doc["kind"] for path in files for doc in yaml.safe_load_all(path.read_text()) if doc}


def fetch() -> list[str]:
    return [_fetch_kubeconform(), _fetch_core_schemas(), _fetch_crd_schemas()]


def kubeconform(files: list[Path]) -> subprocess.CompletedProcess:
    """Run kubeconform strictly on ``files``; the caller reads returncode and output."""
    make_standalone(kinds_in(files))
    return subprocess.run(
        [str(kubeconform_path()), "-strict", "-summary", "-output", "json",
         "-kubernetes-version", KUBERNETES_VERSION,
         "-schema-location", str(standalone_schemas()) + "/{{ .ResourceKind }}{{ .KindSuffix }}.json",
         "-schema-location", str(crd_schemas()) + "/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json",
         "-skip", ",".join(SKIPPED_KINDS), *map(str, files)],
        capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["fetch"]:
        for line in fetch():
            print(line)
        return 0
    if argv[:1] == ["validate"]:
        fetch()
        result = kubeconform([HERE / name for name in MANIFESTS])
        print(result.stdout or result.stderr)
        return result.returncode
    print("usage: python -m deploy.k8s.tools fetch|validate", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
