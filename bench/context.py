"""One benchmark run's surroundings: its own databases and topics (a unique prefix) on the
stack given by KAFKA_BOOTSTRAP_SERVERS / MONGO_URL, the project's processes started from the
Procfile, and a sampler of every started process's resident memory."""
from __future__ import annotations

import os
import secrets
import threading
import time
from pathlib import Path

from deploy.local.processes import Processes
from shared.config import Settings
from shared.events.topics import Topics
from shared.kafka.admin import ensure_topics
from shared.store import make_client


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn's workers), from /proc."""
    total = 0
    for p in [pid] + children(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found.append(int(child))
                found.extend(children(int(child)))
    except OSError:
        pass
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children still alive."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in [pid] + children(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError):
            pass
    return total


class MemoryWatch:
    """Peak RSS per process type, sampled every 0.2 s in a thread."""

    def __init__(self):
        self.peaks: dict[str, int] = {}
        self._watched: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def watch(self, kind: str, pid: int) -> None:
        self._watched[f"{kind}\x1f{pid}"] = pid

    def _loop(self):
        while not self._stop.wait(0.2):
            self.sample()

    def sample(self):
        for key, pid in list(self._watched.items()):
            kind = key.split("\x1f")[0]
            rss = rss_bytes(pid)
            if rss > self.peaks.get(kind, 0):
                self.peaks[kind] = rss

    def stop(self):
        self._stop.set()
        self._thread.join(2)


class BenchContext:
    def __init__(self, run_dir: Path, label: str = "bench", extra_env: dict | None = None):
        self.prefix = f"b{int(time.time()) % 10**7}{label}{secrets.token_hex(2)}"
        self.env = {
            "KAFKA_BOOTSTRAP_SERVERS": os.environ["KAFKA_BOOTSTRAP_SERVERS"],
            "MONGO_URL": os.environ["MONGO_URL"],
            "JINGZHUN_DB_PREFIX": self.prefix, "JINGZHUN_TOPIC_PREFIX": self.prefix,
            "SECRET_KEY": "bench-secret-" + self.prefix, "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        self.run_dir = Path(run_dir)
        self.procs = Processes(self.run_dir / "procs", self.env)
        self.memory = MemoryWatch()
        self.mongo = make_client(self.settings("registry"))
        self.topics = Topics(self.prefix)

    def settings(self, service: str, **env) -> Settings:
        return Settings.from_env(service, {**self.env, **env})

    def ensure_topics(self, partitions: int | None = None) -> None:
        env = {"TOPIC_PARTITIONS": str(partitions)} if partitions else {}
        ensure_topics(self.settings("registry", **env))

    def db(self, service: str):
        return self.mongo[self.settings(service).database_name]

    def start(self, name: str, kind: str | None = None, extra_env: dict | None = None):
        proc = self.procs.start(name, extra_env)
        self.memory.watch(kind or name, proc.pid)
        return proc

    def stop(self, name: str):
        import signal
        self.memory.sample()
        self.procs.kill(name, signal.SIGTERM)

    def close(self):
        self.procs.stop_all()
        self.memory.stop()
        self.mongo.close()
