"""Whether a process can do its work: its store answers (within a deadline: a wedged store
accepts connections and never answers) and its broker accepts connections. Web processes are
ready when their store is (writes wait in the outbox while the broker is away); relays and
consumers need both (``python -m shared.heartbeat check --ready``)."""
from __future__ import annotations

import socket

import pymongo

# A store that accepts connections and never answers (the local store wedged, twice, that
# way) must make a probe say so, not hang it: the ping gets this long in all.
STORE_PING_S = 2.0


def store_check(client) -> str:
    """"ok", or why not."""
    try:
        with pymongo.timeout(STORE_PING_S):
            client.admin.command("ping")
        return "ok"
    except Exception as exc:  # any failure means not ready; say which
        return f"unreachable: {exc.__class__.__name__}"


def checks(client, settings) -> dict:
    """{"store": …, "broker": …}, each "ok" or why not."""
    return {"store": store_check(client), "broker": broker_check(settings.kafka_bootstrap_servers)}


def broker_check(bootstrap: str, timeout: float = 1.0) -> str:
    """"ok" when one of the bootstrap servers accepts a connection, else "unreachable"."""
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
                return "ok"
        except OSError:
            continue
    return "unreachable"
