"""A store that stopped answering — connections accepted, nothing answered, no CPU used, as the
local store wedged twice (issue 18) — makes /readyz answer 503 naming the store within a few
seconds instead of hanging, and ready again once it answers. The wedge is a real FerretDB of
the project's build, stopped with SIGSTOP after the app connected to it."""
from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time

from deploy.local.processes import ROOT
from shared.config import Settings
from tests.support import isolated_env

sys.path.insert(0, str(ROOT / "deploy" / "local"))
import stack as local_stack  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _readyz(client, within: float):
    """GET /readyz on a thread: (status, body), or None if it did not answer ``within`` seconds."""
    answer = {}
    thread = threading.Thread(target=lambda: answer.update(r=client.get("/readyz")), daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(within)
    if "r" not in answer:
        return None
    return answer["r"].status_code, answer["r"].get_json(), time.monotonic() - started


def test_readyz_says_not_ready_within_seconds_when_the_store_stops_answering(stack, tmp_path):
    from services.registry.app import create_app
    port = _free_port()
    info = local_stack.start_one(tmp_path / "store", "ferretdb", port=port, timeout=60)
    pid = info["pid"]
    try:
        env = {**isolated_env("wedged"), "MONGO_URL": f"mongodb://127.0.0.1:{port}"}
        app = create_app(Settings.from_env("registry", env))
        client = app.test_client()
        status, body, _ = _readyz(client, within=30)
        assert status == 200 and body["checks"]["store"] == "ok"

        os.kill(pid, signal.SIGSTOP)  # wedged: the socket stays open, nothing answers
        try:
            answered = _readyz(client, within=15)
            assert answered is not None, "/readyz hung on a store that does not answer"
            status, body, seconds = answered
            assert status == 503 and body["checks"]["store"].startswith("unreachable"), body
            assert seconds < 10
        finally:
            os.kill(pid, signal.SIGCONT)
        status, body, _ = _readyz(client, within=30)
        assert status == 200 and body["checks"]["store"] == "ok"
    finally:
        local_stack.stop_one(tmp_path / "store", "ferretdb")
