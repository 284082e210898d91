"""The cluster manifests in deploy/k8s: current with the Procfile, valid against the
Kubernetes schemas (kubeconform, offline), and saying what operations needs them to say."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deploy.k8s import generate, tools
from deploy.local.processes import procfile

HERE = Path(generate.__file__).resolve().parent


def _docs(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((HERE / name).read_text()) if d]


def _by_kind(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


@pytest.fixture(scope="module")
def kubeconform_ready():
    # `make unit` / `make test` fetch these first (target k8s-tools); fetching is idempotent.
    tools.fetch()


def test_generated_manifests_are_current():
    assert generate.main(["--check"]) == 0, "run: python -m deploy.k8s.generate"


def test_every_procfile_process_is_a_deployment_with_a_budget():
    docs = _docs("jingzhun.yaml")
    deployments, budgets = _by_kind(docs, "Deployment"), _by_kind(docs, "PodDisruptionBudget")
    for name, command in procfile().items():
        assert name in deployments and name in budgets, name
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert container["command"] == ["sh", "-c", "exec " + command]
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
        assert "livenessProbe" in container


def test_web_services_are_probed_on_healthz_and_readyz_and_outlast_gunicorns_grace():
    docs = _docs("jingzhun.yaml")
    services = _by_kind(docs, "Service")
    webs = [n for n, c in procfile().items() if "gunicorn" in c]
    assert webs
    for name in webs:
        pod = _by_kind(docs, "Deployment")[name]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert pod["terminationGracePeriodSeconds"] > 20 + 5  # gunicorn graceful_timeout + preStop
        assert name in services


def test_relays_and_consumers_have_probes_of_their_own():
    """Alive while their loop turns; ready while their store and broker answer too (issue 18)."""
    docs = _docs("jingzhun.yaml")
    workers = [n for n, c in procfile().items() if "gunicorn" not in c]
    assert workers
    for name in workers:
        container = _by_kind(docs, "Deployment")[name]["spec"]["template"]["spec"]["containers"][0]
        liveness = container["livenessProbe"]["exec"]["command"]
        readiness = container["readinessProbe"]["exec"]["command"]
        assert liveness[:4] == ["python", "-m", "shared.heartbeat", "check"] and "--ready" not in liveness, name
        assert readiness[:4] == ["python", "-m", "shared.heartbeat", "check"] and "--ready" in readiness, name


def test_registry_consumers_do_not_outnumber_partitions():
    deployment = _by_kind(_docs("jingzhun.yaml"), "Deployment")["registry-consumer"]
    config = _by_kind(_docs("jingzhun.yaml"), "ConfigMap")["jingzhun-config"]["data"]
    assert 1 < deployment["spec"]["replicas"] <= int(config["TOPIC_PARTITIONS"])
    assert config["TOPIC_REPLICATION"] == "3"


def test_two_releases_of_the_registry_consumer_never_run_at_once():
    """A release folds the old exactly-once guards at start (docs/operations.md, "Upgrades")."""
    deployment = _by_kind(_docs("jingzhun.yaml"), "Deployment")["registry-consumer"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}


def test_kafka_and_mongodb_are_replicated_three_times():
    kafka = _docs("kafka.yaml")
    pools = _by_kind(kafka, "KafkaNodePool")
    assert pools["brokers"]["spec"]["replicas"] == 3 and pools["controllers"]["spec"]["replicas"] == 3
    config = _by_kind(kafka, "Kafka")["jingzhun-kafka"]["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == 3 and config["min.insync.replicas"] == 2
    assert config["auto.create.topics.enable"] is False
    mongo = _by_kind(_docs("mongodb.yaml"), "MongoDBCommunity")["jingzhun-mongodb"]
    assert mongo["spec"]["members"] == 3 and mongo["spec"]["type"] == "ReplicaSet"


def test_the_secrets_in_the_repo_are_placeholders():
    for secret in _by_kind(_docs("secrets.example.yaml"), "Secret").values():
        assert set(secret["stringData"].values()) == {"CHANGE-ME"}


def test_manifests_are_valid_kubernetes(kubeconform_ready):
    result = tools.kubeconform([HERE / name for name in tools.MANIFESTS])
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"invalid": 0' in result.stdout and '"errors": 0' in result.stdout


@pytest.mark.parametrize("document", [
    # a core kind with a wrong type, an unknown field (strict), and a custom resource with a wrong type
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: two, selector: {}, template: {}}\n",
    "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 80}], colour: blue}\n",
    "apiVersion: mongodbcommunity.mongodb.com/v1\nkind: MongoDBCommunity\nmetadata: {name: x}\n"
    "spec: {members: three, type: ReplicaSet, version: '7.0.14', security: {authentication: {modes: [SCRAM]}}, users: []}\n",
])
def test_the_validation_refuses_a_broken_manifest(kubeconform_ready, tmp_path, document):
    broken = tmp_path / "broken.yaml"
    broken.write_text(document)
    result = tools.kubeconform([broken])
    assert result.returncode != 0 and '"invalid": 1' in result.stdout, result.stdout
