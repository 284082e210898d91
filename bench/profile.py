"""Sampling profile of a running process with py-spy (pinned in requirements-dev.txt):
where the registry consumer spends its time, as the share of samples in which each of the
project's functions is on the stack. Skipped, with a note, if py-spy cannot attach."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path


def py_spy() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


class Profiler:
    def __init__(self, pid: int, out: Path, rate: int = 50, subprocesses: bool = False):
        self.out = Path(out)
        self.proc = None
        exe = py_spy()
        if exe:
            self.proc = subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw",
                                         "--nonblocking", "--output", str(self.out)]
                                        + (["--subprocesses"] if subprocesses else []),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> dict:
        if self.proc is None:
            return {"note": "py-spy not installed"}
        self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return {"note": "py-spy did not stop"}
        if not self.out.exists():
            return {"note": f"py-spy wrote nothing: {err.decode(errors='replace')[-300:]}"}
        return summarise(self.out.read_text())


def summarise(raw: str, top: int = 15) -> dict:
    """From py-spy's collapsed stacks ("f1;f2;f3 count"): the share of samples in which each
    function is on the stack (inclusive), for functions of the project and the drivers."""
    inclusive, total = Counter(), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        for frame in set(stack.split(";")):
            name = frame.split(" (")[0]
            where = frame[frame.find("(") + 1:].split(":")[0] if "(" in frame else ""
            if any(part in where for part in ("shared/", "services/", "pymongo/", "kafka/", "marshmallow/", "json/")):
                inclusive[f"{name} ({_short(where)})"] += n
    return {"samples": total,
            "top": [{"function": f, "share": round(n / total, 3)} for f, n in inclusive.most_common(top)] if total else [],
            "layers": layers(raw)}


# The innermost frame of a sample says who had the time: the first rule it matches (by file).
LAYERS = (("pymongo/network_layer", "waiting for the store (pymongo socket)"), ("pymongo/", "pymongo"),
          ("bson/", "BSON decoding"), ("kafka/", "kafka-python"), ("marshmallow/", "marshmallow"),
          ("json/", "json"), ("jinja2/", "templates"), ("services/", "the project's code"),
          ("shared/", "the project's code"))


def layers(raw: str) -> dict:
    """Share of samples by where the innermost frame is (its nearest known layer), leaving
    out pymongo's background monitor threads, which only wait."""
    counts, total = Counter(), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or "periodic_executor" in stack:
            continue
        n = int(count)
        total += n
        layer = "other (Python, Flask, gunicorn, …)"
        for frame in reversed(stack.split(";")):
            where = frame[frame.find("(") + 1:] if "(" in frame else ""
            found = next((name for anchor, name in LAYERS if anchor in where), None)
            if found:
                layer = found
                break
        counts[layer] += n
    return {name: round(n / total, 3) for name, n in counts.most_common()} if total else {}


def _short(path: str) -> str:
    for anchor in ("shared/", "services/", "pymongo/", "kafka/", "marshmallow/", "json/"):
        if anchor in path:
            return anchor + path.split(anchor, 1)[1]
    return path
