"""``make demo`` / ``make stop``: run every process of the Procfile with demo users and data.

    python -m deploy.local.demo up     # idempotent: starts what is not running, loads data once
    python -m deploy.local.demo down
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from shared.auth.store import AuthStore
from shared.config import SERVICE_PORTS, Settings
from shared.kafka.admin import ensure_topics
from shared.gazetteer.store import Gazetteer
from shared.store import auth_db, gazetteer_db, make_client
from deploy.local import demo_data
from deploy.local.processes import Processes, procfile, stop_from_pidfiles

DEMO_PASSWORD = "jingzhun-demo"
DEMO_USERS = [
    ("admin", "central", None, None, "中央扶贫办 Central office"),
    ("gansu", "central", None, None, "甘肃省扶贫办 Gansu provincial office"),
    ("auditor", "auditor", None, None, "第三方审计 Auditor"),
    ("wudu", "county_operator", "621202", None, "武都区扶贫办 Wudu county"),
    # A second person of the county: approves what ``wudu`` checked (separation of duties).
    ("wudufzr", "county_operator", "621202", None, "武都区扶贫办负责人 Wudu county head"),
    ("dianshang", "program_operator", None, "ecommerce", "电商扶贫专员 E-commerce operator"),
    ("lvyou", "program_operator", None, "tourism", "乡村旅游专员 Tourism operator"),
    ("guangfu", "program_operator", None, "photovoltaic", "光伏扶贫专员 Photovoltaic operator"),
    ("xindai", "program_operator", None, "microcredit", "小额信贷专员 Micro-credit operator"),
    ("cungan", "village_cadre", "621202", None, "驻村干部 Village cadre (武都区)"),
    ("banqian", "program_operator", None, "relocation", "易地扶贫搬迁专员 Relocation operator"),
]
# A provincial office decides as the central office does and opens on its province.
DEMO_PROVINCES = {"gansu": "620000"}
WEB = tuple(name for name in SERVICE_PORTS if name in procfile())


def _env() -> dict:
    kafka_port = os.environ.get("KAFKA_PORT", "9092")
    mongo_port = os.environ.get("MONGO_PORT", "27017")
    return {"KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_port}", "MONGO_URL": f"mongodb://127.0.0.1:{mongo_port}",
            # Plain http on 127.0.0.1, and a session key made for this demo (never from the repo).
            "JINGZHUN_DEV": "1", "SECRET_KEY_FILE": str(_demo_secret())}


def _demo_secret() -> Path:
    path = Path(os.environ.get("JINGZHUN_DATA", Path.home() / ".local/state/jingzhun")) / "demo-secret-key"
    if not path.exists():
        import secrets
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path


def _run_dir() -> Path:
    return Path(os.environ.get("JINGZHUN_DATA", Path.home() / ".local/state/jingzhun")) / "run"


def _alive(run_dir: Path, name: str) -> bool:
    pidfile = run_dir / f"{name}.pid"
    return pidfile.exists() and Path(f"/proc/{pidfile.read_text().strip()}").exists()


def _wait_ready(url: str, procs: Processes, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{name} did not become ready at {url}/readyz; its log:\n{procs.log_tail(name)}")


def up() -> int:
    env = _env()
    os.environ.update(env)
    settings = Settings.from_env("registry")
    print("creating topics…", flush=True)
    ensure_topics(settings)
    client = make_client(settings)
    print("loading the official areas of Gansu (skipped when loaded)…", flush=True)
    official = Gazetteer(gazetteer_db(client, settings))
    official.ensure(["62"])   # Longnan is in Gansu
    users = AuthStore(auth_db(client, settings))
    for username, role, county, program, display in DEMO_USERS:
        users.upsert_user(username, DEMO_PASSWORD, role, county, program, display, DEMO_PROVINCES.get(username))
    run_dir = _run_dir()
    procs = Processes(run_dir, env)
    for name in procfile():
        if _alive(run_dir, name):
            print(f"  {name}: already running", flush=True)
        else:
            procs.start(name)
            print(f"  {name}: started (log {run_dir / (name + '.log')})", flush=True)
    urls = settings.service_urls
    for name in WEB:
        _wait_ready(urls[name], procs, name)
    if client[settings.database_name]["households"].estimated_document_count() == 0:
        print("loading demo data…", flush=True)
        token = users.issue_token("admin", "demo loader")
        started = time.monotonic()
        demo_data.load({name: urls[name] for name in WEB}, token, official)
        demo_data.file_villages(urls["registry"], token)
        # The daily job a scheduler runs in production: the loans left unpaid become overdue.
        subprocess.run([sys.executable, "-m", "services.microcredit.tasks", "overdue"], check=False)
        print(f"demo data loaded in {time.monotonic() - started:.0f} s", flush=True)
    client.close()
    print("\nJingzhun is running:")
    for name in WEB:
        print(f"  {name:<10} {urls[name]}/   API docs {urls[name]}/docs")
    print("\nLog in as admin (central office), gansu (Gansu provincial office), auditor, wudu and wudufzr")
    print("(county 621202: one checks, the other approves), cungan (village cadre),")
    print(f"dianshang (e-commerce), lvyou (tourism), guangfu (photovoltaic), xindai (micro-credit) or banqian "
          f"(relocation); password {DEMO_PASSWORD}")
    print("Stop with: make stop")
    return 0


def down() -> int:
    stopped = stop_from_pidfiles(_run_dir())
    print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    sys.exit({"up": up, "down": down}[command]())
