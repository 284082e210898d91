"""A bounded HTTP load generator on 127.0.0.1: threads with a session each, either as fast
as they can (throughput) or at a steady total rate (latency); bounded by a count and a time."""
from __future__ import annotations

import threading
import time

import requests


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def hammer(url: str, body_for, headers: dict, count: int, seconds: float, threads: int = 8) -> dict:
    """POST ``body_for(n)`` as fast as ``threads`` clients can, until ``count`` requests or
    ``seconds``; requests/s of the 2xx answers and their latencies."""
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "failed": 0, "latencies": []}
    deadline = time.monotonic() + seconds

    def client():
        session = requests.Session()
        while time.monotonic() < deadline:
            with lock:
                n = state["next"]
                if n >= count:
                    return
                state["next"] += 1
            started = time.monotonic()
            try:
                ok = session.post(url, json=body_for(n), headers=headers, timeout=30).status_code < 300
            except requests.RequestException:
                ok = False
            took = time.monotonic() - started
            with lock:
                state["ok" if ok else "failed"] += 1
                state["latencies"].append(took)

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds_taken = time.monotonic() - started
    lat = state["latencies"]
    return {"requests": state["ok"], "failed": state["failed"], "seconds": seconds_taken,
            "rate": state["ok"] / seconds_taken, "threads": threads,
            "p50_ms": _ms(percentile(lat, 50)), "p99_ms": _ms(percentile(lat, 99))}


def steady(url: str, body_for, headers: dict, rate: float, seconds: float, on_response, threads: int = 8) -> dict:
    """POST at ``rate`` requests/s in total for ``seconds`` (each request has its slot; a late
    client does not catch up in a burst). ``on_response(n, sent, answered, response)`` is
    called for each answer, with the wall-clock times the request left and its answer came."""
    total = int(rate * seconds)
    start = time.monotonic() + 0.2
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "failed": 0, "late": 0}

    def client():
        session = requests.Session()
        while True:
            with lock:
                n = state["next"]
                if n >= total:
                    return
                state["next"] += 1
            slot = start + n / rate
            wait = slot - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            elif wait < -1:
                with lock:
                    state["late"] += 1
            sent = time.time()
            try:
                response = session.post(url, json=body_for(n), headers=headers, timeout=30)
                ok = response.status_code < 300
            except requests.RequestException:
                response, ok = None, False
            with lock:
                state["ok" if ok else "failed"] += 1
            if ok:
                on_response(n, sent, time.time(), response)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {"requests": state["ok"], "failed": state["failed"], "late": state["late"],
            "rate_asked": rate, "seconds": seconds}


def _ms(value):
    return None if value is None else round(value * 1000, 2)
