"""Write ``deploy/k8s/jingzhun.yaml``: the Kubernetes objects of Jingzhun's own processes.

The Procfile is the one list of processes (docker-compose.yml mirrors it too): each line
becomes a Deployment running that line, so a sixth program's web, relay and read model
appear here by running this script. Scheduled tasks come from each service's ``tasks.py``
(its ``TASKS``, each with its cron expression) as CronJobs. The broker and the store are not
here: ``kafka.yaml`` and ``mongodb.yaml`` declare them for their operators.

    python -m deploy.k8s.generate          # rewrite jingzhun.yaml
    python -m deploy.k8s.generate --check  # exit 1 if jingzhun.yaml is out of date

A unit test runs the check, so the file in the repo is always what this script writes."""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import yaml

from deploy.local.processes import ROOT, procfile
from shared.config import SERVICE_PORTS

OUTPUT = Path(__file__).resolve().parent / "jingzhun.yaml"
NAMESPACE = "jingzhun"
IMAGE = "jingzhun:latest"          # override with kustomize `images:` (see README.md here)
CONFIG = "jingzhun-config"
SECRETS = "jingzhun-secrets"
# The MongoDB community operator writes the application user's connection string here.
MONGO_SECRET = "jingzhun-mongodb-admin-jingzhun"
# Partitions of each topic (TOPIC_PARTITIONS): registry consumers beyond it would sit idle.
PARTITIONS = 12
REGISTRY_CONSUMERS = 3
# gunicorn's graceful_timeout (deploy/gunicorn.conf.py) is 20 s; the pod gets more than that
# plus the preStop pause that lets the Service stop sending it requests first.
WEB_GRACE_S = 40
WORKER_GRACE_S = 30
HEARTBEAT = "/tmp/jingzhun/heartbeat"

_SECURITY = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
             "capabilities": {"drop": ["ALL"]}}
_POD_SECURITY = {"runAsNonRoot": True, "runAsUser": 65534, "runAsGroup": 65534,
                 "seccompProfile": {"type": "RuntimeDefault"}}


def kind_of(name: str, command: str) -> str:
    if "gunicorn" in command:
        return "web"
    if name == "registry-consumer":
        return "consumer"
    return "worker"  # relays, read models, other consumers: one replica each


def service_of(name: str) -> str:
    return name.split("-")[0]


def _labels(name: str, kind: str) -> dict:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "jingzhun",
            "app.kubernetes.io/component": kind}


def _env() -> list[dict]:
    return [{"name": "MONGO_URL", "valueFrom": {"secretKeyRef": {"name": MONGO_SECRET, "key": "connectionString.standard"}}}]


def _container(name: str, command: str, kind: str) -> dict:
    container = {
        "name": name,
        "image": IMAGE,
        "imagePullPolicy": "IfNotPresent",
        # The Procfile line itself, so the cluster runs exactly what `make demo` runs.
        "command": ["sh", "-c", "exec " + command],
        "envFrom": [{"configMapRef": {"name": CONFIG}}, {"secretRef": {"name": SECRETS}}],
        "env": _env(),
        "securityContext": _SECURITY,
        "volumeMounts": [{"name": "run", "mountPath": "/tmp"}],
    }
    if kind == "web":
        port = SERVICE_PORTS[service_of(name)]
        container["ports"] = [{"name": "http", "containerPort": port}]
        container["resources"] = {"requests": {"cpu": "250m", "memory": "384Mi"}, "limits": {"memory": "768Mi"}}
        container["startupProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 2, "failureThreshold": 30}
        container["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 20,
                                      "timeoutSeconds": 5, "failureThreshold": 3}
        # /readyz checks the store: a pod that cannot reach it gets no traffic. Not the broker:
        # writes wait in the outbox while it is away, and every web pod would go otherwise.
        container["readinessProbe"] = {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 10,
                                       "timeoutSeconds": 5, "failureThreshold": 3}
        container["lifecycle"] = {"preStop": {"exec": {"command": ["sleep", "5"]}}}
    else:
        container["env"] = _env() + [{"name": "JINGZHUN_HEARTBEAT", "value": HEARTBEAT}]
        cpu = "500m" if kind == "consumer" else "100m"
        container["resources"] = {"requests": {"cpu": cpu, "memory": "256Mi"}, "limits": {"memory": "512Mi"}}
        # Each turn of the loop touches the heartbeat (shared/heartbeat.py); a loop stuck for
        # two minutes is restarted. Ready while it can work: alive, and its store and broker
        # answer (not ready is shown, not restarted: a restart brings neither back).
        container["livenessProbe"] = {"exec": {"command": ["python", "-m", "shared.heartbeat", "check", "--max-age", "120"]},
                                      "initialDelaySeconds": 60, "periodSeconds": 30, "timeoutSeconds": 10,
                                      "failureThreshold": 3}
        container["readinessProbe"] = {"exec": {"command": ["python", "-m", "shared.heartbeat", "check", "--max-age",
                                                            "120", "--ready"]},
                                       "initialDelaySeconds": 10, "periodSeconds": 30, "timeoutSeconds": 10,
                                       "failureThreshold": 2}
    return container


def deployment(name: str, command: str) -> dict:
    kind = kind_of(name, command)
    replicas = {"web": 2, "consumer": REGISTRY_CONSUMERS}.get(kind, 1)
    labels = _labels(name, kind)
    if kind == "web":
        strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    elif kind == "consumer":
        # Never two releases of the registry consumer at once: a release may change how it
        # keeps its exactly-once guards (and fold the old ones at start, docs/operations.md),
        # and a partition moving between releases would be guarded by neither. Consuming
        # pauses for a restart; nothing is lost, the group resumes from its commits.
        strategy = {"type": "Recreate"}
    else:
        strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "strategy": strategy,
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "terminationGracePeriodSeconds": WEB_GRACE_S if kind == "web" else WORKER_GRACE_S,
                    "securityContext": _POD_SECURITY,
                    "containers": [_container(name, command, kind)],
                    "volumes": [{"name": "run", "emptyDir": {}}],
                    # Spread replicas over nodes, so one node going down leaves the others.
                    "topologySpreadConstraints": [{
                        "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
                        "labelSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}],
                },
            },
        },
    }


def service(name: str) -> dict:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": _labels(name, "web")},
        "spec": {"selector": {"app.kubernetes.io/name": name},
                 "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                 "type": "ClusterIP"},
    }


def disruption_budget(name: str, kind: str) -> dict:
    # Web: keep one replica serving during node drains. Workers: let one go at a time (a
    # singleton relay may be moved; its outbox waits for it).
    spec = {"minAvailable": 1} if kind == "web" else {"maxUnavailable": 1}
    spec["selector"] = {"matchLabels": {"app.kubernetes.io/name": name}}
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "namespace": NAMESPACE, "labels": _labels(name, kind)}, "spec": spec}


def scheduled_jobs() -> list[tuple[str, str, str, str]]:
    """(service, task, module, cron) from every services/<svc>/tasks.py TASKS
    (shared.programs.tasks)."""
    jobs = []
    for path in sorted((ROOT / "services").glob("*/tasks.py")):
        module = f"services.{path.parent.name}.tasks"
        tasks = getattr(importlib.import_module(module), "TASKS", None)
        if not tasks:
            raise SystemExit(f"{module} has no TASKS (name -> shared.programs.tasks.Task)")
        for name, task in tasks.items():
            jobs.append((path.parent.name, name, module, task.schedule))
    return jobs


def cron_job(svc: str, command: str, module: str, cron: str) -> dict:
    name = f"{svc}-{command}"
    container = {
        "name": name, "image": IMAGE, "imagePullPolicy": "IfNotPresent",
        "command": ["python", "-m", module, command],
        "envFrom": [{"configMapRef": {"name": CONFIG}}, {"secretRef": {"name": SECRETS}}],
        "env": _env(), "securityContext": _SECURITY,
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        "volumeMounts": [{"name": "run", "mountPath": "/tmp"}],
    }
    return {
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": _labels(name, "job")},
        "spec": {
            "schedule": cron, "timeZone": "Asia/Shanghai",
            # The jobs are idempotent per day; never two at once, catch up within the day.
            "concurrencyPolicy": "Forbid", "startingDeadlineSeconds": 6 * 3600,
            "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 5,
            "jobTemplate": {"spec": {"backoffLimit": 3, "template": {
                "metadata": {"labels": _labels(name, "job")},
                "spec": {"restartPolicy": "OnFailure", "securityContext": _POD_SECURITY,
                         "containers": [container], "volumes": [{"name": "run", "emptyDir": {}}]}}}},
        },
    }


def config_map(webs: list[str]) -> dict:
    data = {
        "KAFKA_BOOTSTRAP_SERVERS": "jingzhun-kafka-kafka-bootstrap:9092",
        "TOPIC_PARTITIONS": str(PARTITIONS),
        "TOPIC_REPLICATION": "3",
        "HOST": "0.0.0.0",
        "JINGZHUN_RUN": "/tmp/jingzhun",
        "LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "4",
        "PYTHONUNBUFFERED": "1",
    }
    for name in webs:
        svc = service_of(name)
        data[f"{svc.upper()}_PORT"] = str(SERVICE_PORTS[svc])
        # Links between the services' pages: what a person's browser reaches (the Ingress).
        data[f"{svc.upper()}_URL"] = f"https://{svc}.jingzhun.example.gov.cn"
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": CONFIG, "namespace": NAMESPACE, "labels": {"app.kubernetes.io/part-of": "jingzhun"}},
            "data": data}


def ingress(webs: list[str]) -> dict:
    rules, hosts = [], []
    for name in webs:
        host = f"{service_of(name)}.jingzhun.example.gov.cn"
        hosts.append(host)
        rules.append({"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
            "service": {"name": name, "port": {"name": "http"}}}}]}})
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "jingzhun", "namespace": NAMESPACE, "labels": {"app.kubernetes.io/part-of": "jingzhun"},
                         # Uploads (household imports) are larger than the usual 1 MiB default.
                         "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "50m"}},
            "spec": {"ingressClassName": "nginx", "tls": [{"hosts": hosts, "secretName": "jingzhun-tls"}],
                     "rules": rules}}


def documents() -> list[dict]:
    processes = procfile()
    webs = [n for n, c in processes.items() if kind_of(n, c) == "web"]
    docs = [config_map(webs)]
    for name, command in processes.items():
        kind = kind_of(name, command)
        docs.append(deployment(name, command))
        if kind == "web":
            docs.append(service(name))
        docs.append(disruption_budget(name, kind))
    docs += [cron_job(*job) for job in scheduled_jobs()]
    docs.append(ingress(webs))
    return docs


def render() -> str:
    header = ("# Generated by `python -m deploy.k8s.generate` from the Procfile and services/*/tasks.py.\n"
              "# Do not edit: change the generator (a unit test checks this file is current).\n")
    return header + yaml.safe_dump_all(documents(), sort_keys=False, default_flow_style=False, width=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.k8s.generate")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file in the repo is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run python -m deploy.k8s.generate", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
