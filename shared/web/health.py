"""/healthz (the process is alive), /readyz (able to take requests: the store answers; the
broker's state is reported, but writes wait in the outbox while it is away), /metrics."""
from __future__ import annotations

import os
import time

from flask import Blueprint, Response, current_app, g, jsonify, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)

from shared import readiness

blp = Blueprint("health", __name__)


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


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok", service=current_app.config["SERVICE"])


@blp.get("/readyz")
def readyz():
    """Ready when the store answers. The broker is reported, not required: a web process
    takes writes during a broker outage (its outbox keeps them), so a balancer must not take
    every web pod out of service because the broker is away (issue 18)."""
    found = readiness.checks(current_app.extensions["mongo"], current_app.extensions["settings"])
    ready = found["store"] == "ok"
    return jsonify(status="ready" if ready else "not ready", checks=found), 200 if ready else 503


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
