"""What the figures were measured on."""
from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from pathlib import Path


def describe() -> dict:
    from deploy.local.stack import ferretdb_version, kafka_version
    import kafka
    import pymongo
    import gunicorn
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        mem_kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration):
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (0, 0, 0)
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "load_average_at_start": [round(x, 2) for x in load],
        "os": platform.platform(), "python": platform.python_version(),
        "kafka": kafka_version(), "ferretdb": ferretdb_version(),
        "kafka_python": kafka.__version__, "pymongo": pymongo.__version__, "gunicorn": gunicorn.__version__,
    }
