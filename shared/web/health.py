"""/healthz (the process is alive), /readyz (broker and store reachable), /metrics."""
from __future__ import annotations

import os
import socket
import time

import pymongo
from flask import Blueprint, Response, current_app, g, jsonify, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)

blp = Blueprint("health", __name__)
# A store that accepts connections and never answers (the local store wedged, twice, that
# way) must make /readyz say so, not hang it: the ping gets this long in all.
STORE_PING_S = 2.0


class Metrics:
    """The metrics every process exposes. Under gunicorn set PROMETHEUS_MULTIPROC_DIR."""

    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.requests = Counter("jingzhun_http_requests_total", "HTTP requests",
                                ["service", "method", "endpoint", "status"], registry=self.registry)
        self.latency = Histogram("jingzhun_http_request_seconds", "HTTP request latency",
                                 ["service", "endpoint"], registry=self.registry)
        self.consumed = Counter("jingzhun_events_consumed_total", "Events consumed",
                                ["topic", "outcome"], registry=self.registry)

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def broker_reachable(bootstrap: str, timeout: float = 1.0) -> bool:
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
                return True
        except OSError:
            continue
    return False


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok", service=current_app.config["SERVICE"])


@blp.get("/readyz")
def readyz():
    checks = {}
    try:
        with pymongo.timeout(STORE_PING_S):
            current_app.extensions["mongo"].admin.command("ping")
        checks["store"] = "ok"
    except Exception as exc:  # any failure means not ready; say which
        checks["store"] = f"unreachable: {exc.__class__.__name__}"
    settings = current_app.extensions["settings"]
    checks["broker"] = "ok" if broker_reachable(settings.kafka_bootstrap_servers) else "unreachable"
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503


@blp.get("/metrics")
def metrics():
    return Response(current_app.extensions["metrics"].exposition(), mimetype=CONTENT_TYPE_LATEST)


def instrument(app, metrics_: Metrics) -> None:
    service = app.config["SERVICE"]

    @app.before_request
    def _start():
        g._t0 = time.perf_counter()

    @app.after_request
    def _observe(response):
        endpoint = request.endpoint or "unknown"
        metrics_.requests.labels(service, request.method, endpoint, response.status_code).inc()
        if hasattr(g, "_t0"):
            metrics_.latency.labels(service, endpoint).observe(time.perf_counter() - g._t0)
        return response
