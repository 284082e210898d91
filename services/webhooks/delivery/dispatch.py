"""Delivering: a loop finds due deliveries and hands each endpoint's to a thread pool, one
job per endpoint at a time, so a slow or dead partner holds one thread and nobody else.

The loop reads the queue of what is still to be sent (adapters/deliveries.py). Within an
endpoint only the head of each household's line is attempted (domain/ordering.py). A delivery
is claimed with a lease before its attempt; the attempt's result, the next try and the log
entry are one write on the delivery. A worker killed mid-attempt leaves the lease to run out and the
attempt is made again: at-least-once, and receivers dedupe by ``webhook-id``."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import requests

from services.webhooks.adapters.deliveries import DELIVERED, FAILED, DeliveryRepository
from services.webhooks.adapters.http import Outcome, pinned_session, post
from services.webhooks.adapters.partners import ACTIVE, PartnerRepository
from services.webhooks.config import WebhookSettings
from services.webhooks.domain import secrets
from services.webhooks.domain.ordering import PENDING
from services.webhooks.domain.schedule import next_attempt_at, retry_after_seconds
from services.webhooks.domain.ssrf import UnsafeUrl, check_url

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Dispatcher:
    def __init__(self, partners: PartnerRepository, deliveries: DeliveryRepository, settings: WebhookSettings,
                 metrics=None):
        self.partners, self.deliveries, self.settings = partners, deliveries, settings
        self.pool = ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="deliver")
        self.busy: set[str] = set()
        self.lock = threading.Lock()
        self.local = threading.local()
        self.metrics = metrics

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except Exception:  # the store blinked: log, wait, go on (nothing is lost, all is persisted)
                log.exception("dispatch tick failed")
            stop.wait(self.settings.poll_interval)
        self.pool.shutdown(wait=True, cancel_futures=True)

    def tick(self) -> int:
        """Hand every endpoint with due deliveries to the pool; returns how many endpoints."""
        by_endpoint: dict[str, list[dict]] = {}
        for d in self.deliveries.due(_now()):
            by_endpoint.setdefault(d["endpoint_id"], []).append(d)
        started = 0
        for endpoint_id, due in by_endpoint.items():
            with self.lock:
                if endpoint_id in self.busy:
                    continue
                self.busy.add(endpoint_id)
            self.pool.submit(self._serve, endpoint_id, due)
            started += 1
        return started

    def _serve(self, endpoint_id: str, due: list[dict]) -> None:
        try:
            for d in sorted(due, key=lambda d: (d["next_at"], d.get("seq", 0))):
                endpoint = self.partners.endpoint(endpoint_id)
                if endpoint is None:
                    return
                if endpoint["status"] != ACTIVE:
                    self.deliveries.park(endpoint_id)
                    return
                blocker = self.deliveries.blocker(d)
                if blocker is not None:
                    self.deliveries.defer(d, blocker["next_at"])
                    continue
                claimed = self.deliveries.claim(d["_id"], _now(), self.settings.request_timeout + 30)
                if claimed:
                    self.attempt(claimed, endpoint)
        except Exception:
            log.exception("delivering failed", extra={"endpoint_id": endpoint_id})
        finally:
            with self.lock:
                self.busy.discard(endpoint_id)

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = pinned_session()
        return self.local.session

    def attempt(self, delivery: dict, endpoint: dict) -> Outcome:
        now = _now()
        body = secrets.body(delivery["payload"])
        try:
            target = check_url(endpoint["url"], self.settings.allowed_hosts)
            signing = [s["secret"] for s in secrets.valid(endpoint["secrets"], now)]
            outcome = post(self._session(), target, body,
                           secrets.headers(delivery["msg_id"], now, body, signing), self.settings.request_timeout)
        except UnsafeUrl as exc:
            outcome = Outcome(None, 0, "", f"refused: {exc}")
        entry = {"at": now, "n": delivery["attempts"] + 1, "status_code": outcome.status_code,
                 "latency_ms": outcome.latency_ms, "excerpt": outcome.excerpt, "error": outcome.error}
        if outcome.ok:
            self.deliveries.record_attempt(delivery, entry, DELIVERED, None)
            self.partners.succeeded(endpoint["_id"])
        elif outcome.status_code == 410:
            self.deliveries.record_attempt(delivery, entry, FAILED, None)
            self.partners.disable(endpoint, "the partner answered 410 Gone")
        else:
            wait = retry_after_seconds(outcome.retry_after, now)
            next_at = next_attempt_at(delivery["attempts"] + 1, self.settings.retry_schedule, now, wait)
            self.deliveries.record_attempt(delivery, entry, PENDING if next_at else FAILED, next_at)
            failing = self.partners.failed(endpoint["_id"], now)
            if failing and self.settings.disable.should_disable(failing.get("failing_since"),
                                                                failing.get("consecutive_failures", 0), now):
                self.partners.disable(failing, f"failing since {failing['failing_since']:%Y-%m-%d %H:%M} UTC, "
                                               f"{failing['consecutive_failures']} attempts in a row")
        log.info("delivery attempt", extra={"delivery_id": delivery["_id"], "endpoint_id": endpoint["_id"],
                                            "status_code": outcome.status_code, "latency_ms": outcome.latency_ms,
                                            "error": outcome.error})
        if self.metrics is not None:
            self.metrics.labels(outcome=str(outcome.status_code or "error")).inc()
        return outcome
