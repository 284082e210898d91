"""Test helpers for webhooks: a partner's receiver (a threaded HTTP server on 127.0.0.1 that
verifies every delivery with the standardwebhooks library), stream events published straight
to the consolidated topic, and Standard-Webhooks-signed inbound posts."""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook

from shared.events.catalogue import CATALOGUE
from shared.events.types.registry import ASSISTANCE_RECORDED
from shared.household_ids import new_household_id
from shared.kafka.producer import send_envelope


class Receiver:
    """mode: "up" (204), "down" (503), "gone" (410), "busy" (429, Retry-After: 2). Every request that does not verify with
    one of ``secrets`` is recorded as a failure and answered 400."""

    def __init__(self, secrets: list[str] | None = None, delay: float = 0.0):
        self.secrets = list(secrets or [])
        self.mode, self.delay = "up", delay
        self.received: list[dict] = []     # verified deliveries, in arrival order
        self.unverified: list[dict] = []
        self.verified_with: dict[str, set] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def handle(self, request, body: bytes):
        if self.delay:
            time.sleep(self.delay)
        if self.mode != "up":
            request.send_response({"down": 503, "gone": 410, "busy": 429}[self.mode])
            if self.mode == "busy":
                request.send_header("Retry-After", "2")
            request.end_headers()
            return
        headers = {k: v for k, v in request.headers.items()}
        which = set()
        payload = None
        for secret in self.secrets:
            try:
                payload = Webhook(secret).verify(body, headers)
                which.add(secret)
            except Exception:
                pass
        with self.lock:
            if payload is None:
                self.unverified.append({"headers": headers, "body": body})
            else:
                self.received.append({"msg_id": headers["webhook-id"], "payload": payload})
                self.verified_with[headers["webhook-id"]] = which
        request.send_response(400 if payload is None else 204)
        request.end_headers()

    def ids(self) -> list[str]:
        with self.lock:
            return [r["msg_id"] for r in self.received]

    def first_arrivals(self) -> list[dict]:
        seen, out = set(), []
        with self.lock:
            for r in self.received:
                if r["msg_id"] not in seen:
                    seen.add(r["msg_id"])
                    out.append(r)
        return out

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def household(county: str = "621202") -> str:
    return new_household_id(county)


def stream_event(household_id: str, n: int, program: str = "ecommerce", village: str = "621202104201",
                 event_type: str | None = None):
    """A consolidated-stream event as the registry publishes it; ``n`` numbers it in data."""
    event_type = event_type or f"cn.jingzhun.{program}.sale.recorded.v1"
    data = {"household_id": household_id, "event_id": f"ev-{household_id}-{n}-{time.time_ns()}",
            "event_type": event_type, "program": program, "occurred_at": datetime.now(timezone.utc).isoformat(),
            "title_en": "Sale by 王建国", "title_zh": "王建国 销售", "income_fen": 100 * n, "amount_fen": 120 * n,
            "county_code": village[:6], "village_code": village, "village": "寺背村", "area": {"county": "武都区"},
            "status": "assisted", "total_income_fen": 0, "summary": {"total_income_fen": 0},
            "data": {"household_id": household_id, "sale_id": f"S{n}", "product": "花椒", "quantity": n,
                     "amount_fen": 120 * n, "income_fen": 100 * n, "head_name": "王建国", "recorded_by": "op"}}
    return CATALOGUE.new_event(ASSISTANCE_RECORDED.type, "registry", household_id, data)


def publish(producer, topic: str, envelopes) -> None:
    for envelope in envelopes:
        send_envelope(producer, topic, envelope)
    producer.flush()


def signed(secret: str, body: dict, msg_id: str, when: datetime | None = None) -> tuple[bytes, dict]:
    text = json.dumps(body)
    when = when or datetime.now(timezone.utc)
    return text.encode(), {"webhook-id": msg_id, "webhook-timestamp": str(int(when.timestamp())),
                           "webhook-signature": Webhook(secret).sign(msg_id, when, text),
                           "content-type": "application/json"}
