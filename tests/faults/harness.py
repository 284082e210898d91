"""The system under faults: every Procfile process on its own ports, prefixes and topics
(6 partitions), a bounded load generator through the HTTP APIs, fault injectors (SIGKILL a
process, stop the broker or the store), and the check that every accepted request's event
is in the registry's history and stream exactly once. Used by the short fault tests
(``tests/faults``, in ``make test``) and the soak (``python -m tests.faults.soak``).

Generic over the Procfile: every process in it is killed and restarted, every web process
is a program service to load (``shared/programs`` enrolment and end, which every program
has) unless a richer request for it is declared in ``REQUESTS``."""
from __future__ import annotations

import itertools
import json
import random
import signal
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import requests

from deploy.local.processes import Processes, procfile
from shared.auth.store import AuthStore
from shared.config import SERVICE_PORTS, Settings
from shared.events.envelope import Envelope
from shared.events.topics import PROGRAMS, Topics
from shared.kafka.admin import ensure_topics
from shared.kafka.topic_reader import read_all
from shared.store import auth_db, make_client
from tests.support import PASSWORD, unique_prefix, wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))
import stack as local_stack  # noqa: E402

PARTITIONS = 6
TODAY = date.today()
VILLAGE = "621202104201"


def now() -> float:
    return time.monotonic()


@dataclass
class Accepted:
    """A request the system accepted (2xx) and the event it must have published."""
    service: str
    household_id: str
    event_suffix: str           # the event type ends with this
    match: dict                 # data fields the event carries
    at: float


@dataclass
class FaultLog:
    started: float = field(default_factory=now)
    entries: list = field(default_factory=list)

    def add(self, what: str, target: str, **details):
        entry = {"t": round(now() - self.started, 2), "what": what, "target": target, **details}
        self.entries.append(entry)
        return entry


class FaultSystem:
    def __init__(self, run_dir: Path, stack_data: str, port_base: int, label: str = "faults",
                 web_concurrency: int = 1):
        self.stack_data = stack_data
        self.env = {
            "KAFKA_BOOTSTRAP_SERVERS": _env("KAFKA_BOOTSTRAP_SERVERS"), "MONGO_URL": _env("MONGO_URL"),
            "JINGZHUN_DB_PREFIX": unique_prefix(label), "SECRET_KEY": "faults-" + label,
            "RELAY_INTERVAL_MS": "100", "LOG_LEVEL": "INFO", "TOPIC_PARTITIONS": str(PARTITIONS),
            "WEB_CONCURRENCY": str(web_concurrency), "HOST": "127.0.0.1",
            # A killed worker's partitions go to the others after this (Kafka's floor is 6 s).
            "CONSUMER_SESSION_TIMEOUT_MS": "10000",
            "JINGZHUN_DEV": "1",   # plain http on 127.0.0.1
        }
        self.env["JINGZHUN_TOPIC_PREFIX"] = self.env["JINGZHUN_DB_PREFIX"]
        self.processes = list(procfile())
        self.web = {name: port_base + port - 8000 for name, port in SERVICE_PORTS.items() if name in self.processes}
        for name, port in self.web.items():
            self.env[f"{name.upper()}_PORT"] = str(port)
            self.env[f"{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
        # Program services (they have the program kit); other web processes (webhooks) are
        # killed and restarted like every process, but not loaded here.
        self.programs = [name for name in self.web if name in PROGRAMS]
        self.settings = Settings.from_env("registry", self.env)
        self.topics = Topics(self.env["JINGZHUN_TOPIC_PREFIX"])
        self.procs = Processes(run_dir, self.env)
        self.faults = FaultLog()
        self.token = ""
        self.http = requests.Session()

    # --- processes ---------------------------------------------------------------------
    def start(self):
        ensure_topics(self.settings)
        mongo = make_client(self.settings)
        try:
            users = AuthStore(auth_db(mongo, self.settings))
            users.upsert_user("central", PASSWORD, "central", None, None)
            self.token = users.issue_token("central", "faults")
        finally:
            mongo.close()
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        for name in self.processes:
            self.procs.start(name)
        for name in self.web:
            self.wait_ready(name)

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.web[service]}{path}"

    def wait_ready(self, name: str, timeout: float = 60):
        def ready():
            try:
                return requests.get(self.url(name, "/readyz"), timeout=2).status_code == 200
            except requests.RequestException:
                return False
        try:
            wait_until(ready, timeout=timeout, interval=0.3, message=f"{name} ready")
        except AssertionError:
            raise AssertionError(f"{name} did not become ready:\n{self.procs.log_tail(name)}") from None

    def kill_and_restart(self, name: str, pause: float = 0.0):
        self.faults.add("SIGKILL", name)
        self.procs.kill(name, signal.SIGKILL)
        if pause:
            time.sleep(pause)
        self.procs.start(name)
        self.faults.add("restarted", name)
        if name in self.web:
            self.wait_ready(name)

    def stop_server(self, server: str):
        self.faults.add("stop", server)
        local_stack.stop_one(self.stack_data, server)

    def start_server(self, server: str):
        local_stack.start_one(self.stack_data, server)
        self.faults.add("started", server)

    def close(self):
        self.procs.stop_all()

    def db(self, service: str):
        """A service's database (the tests' look at what was stored; reconcile never reads it)."""
        if not hasattr(self, "_mongo"):
            self._mongo = make_client(self.settings)
        return self._mongo[Settings.from_env(service, self.env).database_name]

    # --- set-up: households every program knows and has enrolled --------------------------
    def new_household(self, head: str) -> requests.Response:
        body = {"village_code": VILLAGE, "township": "汉王镇", "village": "寺背村", "main_cause": "illness",
                "income_per_capita_fen": 210000,
                "members": [{"name": head, "relation": "head", "sex": "male", "birth_year": 1968},
                            {"name": head + "妻", "relation": "spouse", "sex": "female", "birth_year": 1970}]}
        return self.http.post(self.url("registry", "/api/households"), json=body, timeout=10)

    def prepare(self, households: int = 4) -> list[str]:
        """Households known to and enrolled in every program, plus what each program's
        richer requests need (a homestay, a rooftop installation)."""
        ids = []
        for i in range(households):
            r = self.new_household(f"故障户{i}{random.randint(100, 999)}")
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        for program in self.programs:
            for hid in ids:
                wait_until(lambda: self.http.get(self.url(program, f"/api/households/{hid}"), timeout=5).ok,
                           timeout=90, message=f"{hid} known to {program}")
                r = self.http.post(self.url(program, "/api/enrolments"), json={"household_id": hid}, timeout=10)
                assert r.status_code == 201, (program, r.text)
        self.resources = {hid: {} for hid in ids}
        for program in self.programs:
            for hid in ids:
                setup = SETUP.get(program)
                if setup:
                    self.resources[hid][program] = setup(self, hid)
        return ids

    # --- what the system says -----------------------------------------------------------
    def reconcile(self) -> dict:
        from services.registry.reconcile import run
        return run(self.settings)

    def published_events(self) -> list[Envelope]:
        events = []
        for program in self.programs:
            for record in read_all(self.settings.kafka_bootstrap_servers, self.topics.program(program)):
                events.append(Envelope.from_kafka(record.key, record.value, record.headers))
        for record in read_all(self.settings.kafka_bootstrap_servers, self.topics.registry):
            events.append(Envelope.from_kafka(record.key, record.value, record.headers))
        return events

    def check(self, accepted: list[Accepted]) -> dict:
        """Reconcile, and find each accepted request's event: exactly one published event,
        in the history once and in the stream once (reconcile checks the 'once')."""
        report = self.reconcile()
        by_key = defaultdict(set)
        for e in self.published_events():
            for k, v in e.data.items():
                if isinstance(v, (str, int)):
                    by_key[(e.subject, k, v)].add((e.id, e.type))
        unmatched, ambiguous = [], []
        for a in accepted:
            candidates = None
            for k, v in a.match.items():
                found = {c for c in by_key.get((a.household_id, k, v), set()) if c[1].endswith(a.event_suffix)}
                candidates = found if candidates is None else candidates & found
            if not candidates:
                unmatched.append(a.__dict__)
            elif len({c[0] for c in candidates}) > 1:
                ambiguous.append(a.__dict__)
        return {"report": report, "accepted": len(accepted), "unmatched": unmatched, "ambiguous": ambiguous,
                "ok": report["ok"] and not unmatched and not ambiguous}

    def wait_reconciled(self, accepted: list[Accepted], timeout: float = 120) -> dict:
        """Until everything accepted has arrived (or the timeout): the last check."""
        deadline, last = now() + timeout, None
        while now() < deadline:
            last = self.check(accepted)
            if last["ok"]:
                return last
            time.sleep(2)
        return last

    def group_members(self) -> int:
        from kafka import KafkaAdminClient
        admin = KafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap_servers, client_id="faults-admin")
        try:
            group = admin.describe_groups([self.settings.consumer_group])[self.settings.consumer_group]
            return sum(1 for m in group["members"] if (m.get("member_assignment") or {}).get("assigned_partitions"))
        finally:
            admin.close()


def _env(name: str) -> str:
    import os
    return os.environ[name]


# --- requests ----------------------------------------------------------------------------------
def _setup_tourism(system: FaultSystem, hid: str) -> dict:
    r = system.http.post(system.url("tourism", "/api/homestays"), timeout=10, json={
        "household_id": hid, "name": "山居小院", "kind": "farm_stay", "rooms": 3, "beds": 6,
        "safety_inspected_on": (TODAY - timedelta(days=30)).isoformat()})
    assert r.status_code == 201, r.text
    return {"homestay_id": r.json()["id"]}


def _setup_photovoltaic(system: FaultSystem, hid: str) -> dict:
    r = system.http.post(system.url("photovoltaic", "/api/installations"), timeout=10, json={
        "kind": "rooftop", "name": "屋顶光伏", "capacity_kw": 5, "commissioned_on": "2012-01-01",
        "village_code": VILLAGE, "household_id": hid})
    assert r.status_code == 201, r.text
    months = []
    y, m = TODAY.year, TODAY.month
    for _ in range(12 * 14):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        months.append(f"{y:04d}-{m:02d}")
    return {"installation_id": r.json()["id"], "months": months}


SETUP = {"tourism": _setup_tourism, "photovoltaic": _setup_photovoltaic}


def _sale(system, hid, res, n):
    body = {"household_id": hid, "product": "花椒", "quantity": 2, "unit": "kg", "amount_fen": 10000 + n,
            "income_fen": 8000 + n, "channel": "own_store", "sold_on": (TODAY - timedelta(days=3)).isoformat()}
    return "/api/sales", body, lambda r: ("sale.recorded.v1", {"sale_id": r["id"]})


def _booking(system, hid, res, n):
    check_in = TODAY - timedelta(days=20)
    body = {"homestay_id": res["homestay_id"], "guests": 2, "check_in": check_in.isoformat(),
            "check_out": (check_in + timedelta(days=2)).isoformat(), "channel": "online_platform",
            "amount_fen": 30000 + n, "income_fen": 20000 + n, "guest_name": "游客"}
    return "/api/bookings", body, lambda r: ("booking.recorded.v1", {"booking_id": r["id"]})


def _report(system, hid, res, n):
    if not res["months"]:
        return None
    month = res["months"].pop(0)
    body = {"installation_id": res["installation_id"], "month": month, "kwh": 300 + n % 100, "tariff_fen_per_kwh": 40}
    return "/api/reports", body, lambda r: ("generation.reported.v1", {"report_id": r["id"]})


REQUESTS = {"ecommerce": _sale, "tourism": _booking, "photovoltaic": _report}


class Load(threading.Thread):
    """A steady, bounded stream of requests through the HTTP APIs of the running services:
    new household files (registry), and per program its richer request (sales, bookings,
    generation reports) or, for a program without one, enrolment ended and renewed."""

    def __init__(self, system: FaultSystem, households: list[str], max_requests: int = 10**6,
                 pause: float = 0.25, seed: int | None = None):
        super().__init__(daemon=True, name="load")
        self.system = system
        self.households = households
        self.max_requests = max_requests
        self.pause = pause
        self.rng = random.Random(seed)
        self.accepted: list[Accepted] = []
        self.statuses: Counter = Counter()
        self.bad: list[dict] = []          # 5xx other than 503, or a 503 without the JSON error shape
        self.timeline: list[tuple[float, str, int]] = []
        self.sent = 0
        self._halt = threading.Event()
        self._enrolled = {(p, h): True for p in system.programs for h in households}
        self._lock = threading.Lock()

    def stop(self):
        self._halt.set()
        self.join(timeout=30)

    def accepted_since(self, t: float, service: str | None = None) -> int:
        with self._lock:
            return sum(1 for a in self.accepted if a.at >= t and (service is None or a.service == service))

    def run(self):
        targets = itertools.cycle(["registry"] + self.system.programs)
        n = 0
        while not self._halt.is_set() and self.sent < self.max_requests:
            service = next(targets)
            n += 1
            try:
                self._one(service, n)
            except Exception as exc:  # the load must go on; the failure is recorded
                self.statuses[f"error:{type(exc).__name__}"] += 1
            self._halt.wait(self.pause)

    def _one(self, service: str, n: int):
        hid = self.rng.choice(self.households)
        if service == "registry":
            path, body = "/api/households", None
            matcher = lambda r: ("household.identified.v1", {"household_id": r["id"]})  # noqa: E731
            hid = None
        elif service in REQUESTS:
            made = REQUESTS[service](self.system, hid, self.system.resources[hid].get(service), n)
            if made is None:
                return
            path, body, matcher = made
        else:
            enrolled = self._enrolled[(service, hid)]
            path = f"/api/enrolments/{hid}/end" if enrolled else "/api/enrolments"
            body = {"reason": "fault test"} if enrolled else {"household_id": hid}
            suffix = "enrolment.ended.v1" if enrolled else "enrolment.started.v1"
            matcher = lambda r, s=suffix: (s, {"enrolment_id": r["enrolment_id"]})  # noqa: E731
        self.sent += 1
        try:
            if service == "registry":
                r = self.system.new_household(f"负载户{n}")
            else:
                r = self.system.http.post(self.system.url(service, path), json=body, timeout=15)
        except requests.RequestException as exc:
            self.statuses[f"no answer:{type(exc).__name__}"] += 1
            self.timeline.append((now(), service, 0))
            return
        self.statuses[r.status_code] += 1
        self.timeline.append((now(), service, r.status_code))
        if r.status_code >= 500 and not _clean_503(r):
            self.bad.append({"service": service, "status": r.status_code, "body": r.text[:300]})
        if 200 <= r.status_code < 300:
            data = r.json()
            suffix, match = matcher(data)
            with self._lock:
                self.accepted.append(Accepted(service, hid or data["id"], suffix, match, now()))
            if service not in REQUESTS and service != "registry":
                self._enrolled[(service, hid)] = not self._enrolled[(service, hid)]
        elif service not in REQUESTS and service != "registry" and r.status_code == 409:
            # Not known here whether the last enrolment change landed (no answer): ask.
            got = self.system.http.get(self.system.url(service, f"/api/enrolments/{hid}"), timeout=10)
            if got.ok:
                self._enrolled[(service, hid)] = got.json().get("status") == "enrolled"


def _clean_503(r: requests.Response) -> bool:
    if r.status_code != 503:
        return False
    try:
        body = r.json()
    except json.JSONDecodeError:
        return False
    return body.get("code") == 503 and bool(body.get("message")) and "status" in body


# --- scenarios (each returns what it did, for the tests' assertions and the soak report) -------------
def kill_every_process(system: FaultSystem, rng: random.Random, gap=(0.5, 2.0)) -> list[str]:
    """SIGKILL each Procfile process once, in a random order, at random moments; restart it."""
    order = list(system.processes)
    rng.shuffle(order)
    for name in order:
        time.sleep(rng.uniform(*gap))
        system.kill_and_restart(name, pause=rng.uniform(0, 0.5))
    return order


def broker_outage(system: FaultSystem, load: Load, down_s: float) -> dict:
    """Stop the broker under load for ``down_s``; count what was accepted meanwhile, and ask
    each web service's /readyz while it is down (ready: writes wait in the outbox)."""
    system.stop_server("kafka")
    t0 = now()
    time.sleep(min(2.0, down_s))
    readyz = {}
    for service in system.web:
        try:
            r = requests.get(system.url(service, "/readyz"), timeout=15)
            readyz[service] = {"status": r.status_code, **r.json().get("checks", {})}
        except (requests.RequestException, json.JSONDecodeError) as exc:
            readyz[service] = {"status": 0, "error": type(exc).__name__}
    time.sleep(max(0.0, down_s - (now() - t0)))
    accepted = {s: load.accepted_since(t0, s) for s in ["registry"] + system.programs}
    system.start_server("kafka")
    return {"down_s": round(now() - t0, 1), "accepted_while_down": accepted, "readyz": readyz}


def store_outage(system: FaultSystem, load: Load, down_s: float) -> dict:
    """Stop the store under load; every service answers writes 503 (JSON error shape) within
    a web request's time and /readyz says not ready; then it comes back."""
    system.stop_server("ferretdb")
    t0 = now()
    probes = {}
    for service in system.web:
        started = now()
        try:
            if service == "registry":
                r = system.new_household("停库户")
            else:
                r = system.http.post(system.url(service, "/api/enrolments"),
                                     json={"household_id": load.households[0]}, timeout=15)
            write = {"status": r.status_code, "clean": _clean_503(r), "seconds": round(now() - started, 1)}
        except requests.RequestException as exc:
            write = {"status": 0, "clean": False, "error": type(exc).__name__, "seconds": round(now() - started, 1)}
        try:
            ready = requests.get(system.url(service, "/readyz"), timeout=15)
            readyz = {"status": ready.status_code, "store": ready.json().get("checks", {}).get("store")}
        except (requests.RequestException, json.JSONDecodeError) as exc:
            readyz = {"status": 0, "error": type(exc).__name__}
        probes[service] = {"write": write, "readyz": readyz}
    time.sleep(max(0.0, down_s - (now() - t0)))
    statuses = Counter(s for t, _, s in load.timeline if t >= t0)
    system.start_server("ferretdb")
    return {"down_s": round(now() - t0, 1), "probes": probes, "load_statuses": dict(statuses)}


def group_rebalance(system: FaultSystem, rng: random.Random, workers: int = 3, run_s: float = 6) -> dict:
    """Run ``workers`` registry consumers in one group on the multi-partition topics, SIGKILL
    one mid-run, let the group rebalance; back to one worker afterwards."""
    extra = [f"registry-consumer-{i}" for i in range(2, workers + 1)]
    for name in extra:
        system.procs.commands[name] = system.procs.commands["registry-consumer"]
        system.procs.start(name)
    members = wait_until(lambda: (lambda n: n if n >= workers else None)(system.group_members()),
                         timeout=90, interval=1, message=f"{workers} workers sharing the partitions")
    time.sleep(rng.uniform(run_s / 2, run_s))
    victim = rng.choice(["registry-consumer"] + extra)
    system.faults.add("SIGKILL", victim, note="one worker of the group")
    system.procs.kill(victim, signal.SIGKILL)
    time.sleep(run_s)
    survivors = [n for n in ["registry-consumer"] + extra if n in system.procs.running]
    for name in survivors:
        if name != "registry-consumer":
            system.procs.kill(name, signal.SIGTERM)
    if "registry-consumer" not in system.procs.running:
        system.procs.start("registry-consumer")
    return {"workers": workers, "members_seen": members, "killed": victim, "partitions": PARTITIONS}
