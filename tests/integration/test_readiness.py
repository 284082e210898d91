"""Ready means able to do the work (issue 18), against the real store: a web process is ready
when its store answers, also with no broker (its writes wait in the outbox); a relay or a
consumer (the heartbeat probe with --ready) needs its loop alive and both store and broker."""
import os
import subprocess
import sys

from shared.config import Settings
from services.registry.app import create_app
from tests.support import ROOT, isolated_env

NO_BROKER = "127.0.0.1:1"


def test_a_web_process_without_a_broker_is_ready_and_says_the_broker_is_away(stack):
    app = create_app(Settings.from_env("registry", {**isolated_env("ready"), "KAFKA_BOOTSTRAP_SERVERS": NO_BROKER}))
    r = app.test_client().get("/readyz")
    assert r.status_code == 200 and r.get_json()["checks"] == {"store": "ok", "broker": "unreachable"}
    assert app.test_client().get("/readyz").get_json()["status"] == "ready"


def _probe(tmp_path, **env):
    heartbeat = tmp_path / "heartbeat"
    heartbeat.touch()
    return subprocess.run([sys.executable, "-m", "shared.heartbeat", "check", "--max-age", "60", "--ready",
                           "--file", str(heartbeat)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})


def test_a_worker_is_ready_when_its_loop_turns_and_store_and_broker_answer(stack, tmp_path):
    assert _probe(tmp_path).returncode == 0


def test_a_worker_without_its_broker_or_its_store_is_not_ready_and_says_which(stack, tmp_path):
    no_broker = _probe(tmp_path, KAFKA_BOOTSTRAP_SERVERS=NO_BROKER)
    assert no_broker.returncode == 1 and "broker" in no_broker.stderr and "store" not in no_broker.stderr
    no_store = _probe(tmp_path, MONGO_URL="mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500")
    assert no_store.returncode == 1 and "store" in no_store.stderr
