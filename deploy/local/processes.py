"""Start and stop the project's processes (the lines of the Procfile) one by one.

``make demo`` runs them all; the tests start, SIGKILL and restart single ones. Each runs
in its own session with its output in ``<run dir>/<name>.log`` and its pid in
``<run dir>/<name>.pid``.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from honcho.environ import parse_procfile

from shared.config import SERVICE_PORTS

ROOT = Path(__file__).resolve().parents[2]


def procfile() -> dict[str, str]:
    return dict(parse_procfile((ROOT / "Procfile").read_text()).processes)


def base_env(run_dir: Path, overrides: dict | None = None) -> dict:
    env = dict(os.environ)
    env.setdefault("HOST", "127.0.0.1")
    for name, port in SERVICE_PORTS.items():
        env.setdefault(f"{name.upper()}_PORT", str(port))
    env["JINGZHUN_RUN"] = str(run_dir)
    env["PYTHONPATH"] = str(ROOT)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides or {})
    return env


class Processes:
    def __init__(self, run_dir: Path, env: dict | None = None):
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.env = base_env(self.run_dir, env)
        self.commands = procfile()
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, extra_env: dict | None = None) -> subprocess.Popen:
        if name in self.running and self.running[name].poll() is None:
            raise RuntimeError(f"{name} is already running (pid {self.running[name].pid})")
        log = open(self.run_dir / f"{name}.log", "ab")
        # JINGZHUN_PROCESS names the process (a consumer's transactional id: shared/kafka/serve.py).
        proc = subprocess.Popen(["/bin/sh", "-c", "exec " + self.commands[name]], cwd=ROOT,
                                env={**self.env, "JINGZHUN_PROCESS": name, **(extra_env or {})}, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        (self.run_dir / f"{name}.pid").write_text(str(proc.pid))
        self.running[name] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout: float = 20) -> int | None:
        proc = self.running.pop(name, None)
        if proc is None:
            return None
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            return proc.wait(timeout)
        finally:
            (self.run_dir / f"{name}.pid").unlink(missing_ok=True)

    def stop_all(self):
        """Ask every process to stop at once, then wait for each: they shut down side by side
        (a consumer leaving its group, gunicorn finishing its requests), not one after another."""
        for proc in self.running.values():
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.run_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def stop_from_pidfiles(run_dir: Path) -> list[str]:
    """Stop what an earlier ``make demo`` started (by pid files), SIGTERM then SIGKILL."""
    stopped = []
    for pidfile in sorted(Path(run_dir).glob("*.pid")):
        pid = int(pidfile.read_text().strip() or 0)
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            pidfile.unlink(missing_ok=True)
            continue
        if str(ROOT).encode() not in Path(f"/proc/{pid}/environ").read_bytes() and b"python" not in cmdline \
                and b"gunicorn" not in cmdline:
            pidfile.unlink(missing_ok=True)  # the pid was reused by something else: not ours
            continue
        os.killpg(pid, signal.SIGTERM)
        for _ in range(100):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.2)
        else:
            os.killpg(pid, signal.SIGKILL)
        pidfile.unlink(missing_ok=True)
        stopped.append(pidfile.stem)
    return stopped
