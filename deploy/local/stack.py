#!/usr/bin/env python3
"""Local infrastructure without Docker: a Kafka broker (KRaft) and FerretDB (SQLite).

Fetches, builds and runs the project's local stack:

* Apache Kafka 4.1.1 (Scala 2.13), one node in KRaft mode (broker + controller), run
  with the machine's ``java`` (17+) from the jars Maven resolves for
  ``deploy/local/kafka/pom.xml``.
* FerretDB 1.24.2 (MongoDB wire protocol, SQLite backend), built with the machine's
  ``go`` from ``deploy/local/ferretdb`` (a small program embedding
  ``github.com/FerretDB/FerretDB/ferretdb``).

Everything listens on 127.0.0.1 only.  Downloads and builds go to ``$JINGZHUN_CACHE``
(default ``~/.cache/jingzhun``); server data, logs and pid files go to the data dir
(``--data``, ``$JINGZHUN_DATA``, default ``~/.local/state/jingzhun/stack``).

Command line (every command is idempotent)::

    python deploy/local/stack.py fetch
    python deploy/local/stack.py start [--kafka-port 9092] [--mongo-port 27017]
                                       [--controller-port N] [--data DIR] [--timeout 90]
    python deploy/local/stack.py stop [--data DIR] [--only kafka|ferretdb]
    python deploy/local/stack.py status [--data DIR] [--json]

From Python (tests)::

    import stack  # with deploy/local on sys.path, or load it by file path
    info = stack.start(kafka_port=19092, mongo_port=37017, data_dir="/tmp/x", timeout=90)
    info["kafka"]["bootstrap_servers"]   # "127.0.0.1:19092"
    info["ferretdb"]["uri"]              # "mongodb://127.0.0.1:37017/"
    stack.stop_one("/tmp/x", "kafka")    # fault injection: stop only the broker
    stack.start_one("/tmp/x", "kafka")   # restart it (same ports as last time, same data)
    stack.stop("/tmp/x")

Errors are raised as :class:`StackError` (the CLI prints them and exits 1).

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent
KAFKA_POM = HERE / "kafka" / "pom.xml"
FERRETDB_SRC = HERE / "ferretdb"
FERRETDB_BINARY_NAME = "ferretdb-local"

HOST = "127.0.0.1"
DEFAULT_KAFKA_PORT = 9092
DEFAULT_MONGO_PORT = 27017
DEFAULT_TIMEOUT = 90.0
STOP_GRACE_SECONDS = 20.0
LOG_TAIL_LINES = 30

SERVERS = ("kafka", "ferretdb")

KAFKA_READY_MARKER = "Kafka Server started"
FERRETDB_READY_MARKER = "Listening on TCP"


class StackError(RuntimeError):
    """A fetch, start or stop of the local stack failed; the message says why."""


def _say(msg: str) -> None:
    print(f"stack: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- paths


def cache_dir() -> Path:
    """``$JINGZHUN_CACHE`` or ``~/.cache/jingzhun`` (outside the repo)."""
    return Path(os.environ.get("JINGZHUN_CACHE") or Path.home() / ".cache" / "jingzhun").expanduser().resolve()


def default_data_dir() -> Path:
    """``$JINGZHUN_DATA`` or ``~/.local/state/jingzhun/stack``."""
    return Path(
        os.environ.get("JINGZHUN_DATA") or Path.home() / ".local" / "state" / "jingzhun" / "stack"
    ).expanduser()


def _data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    d = Path(data_dir).expanduser() if data_dir else default_data_dir()
    d = d.resolve()
    d.mkdir(parents=True, exist_ok=True)
    return d


def _env_port(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise StackError(f"environment variable {name}={raw!r} is not a port number") from None


def kafka_version() -> str:
    m = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", KAFKA_POM.read_text())
    if not m:
        raise StackError(f"no <kafka.version> property in {KAFKA_POM}")
    return m.group(1).strip()


def ferretdb_version() -> str:
    m = re.search(r"^\s*(?:require\s+)?github\.com/FerretDB/FerretDB\s+(v\S+)", (FERRETDB_SRC / "go.mod").read_text(), re.M)
    if not m:
        raise StackError(f"no github.com/FerretDB/FerretDB requirement in {FERRETDB_SRC / 'go.mod'}")
    return m.group(1).lstrip("v")


def kafka_home() -> Path:
    return cache_dir() / f"kafka-{kafka_version()}"


def kafka_libs() -> Path:
    return kafka_home() / "libs"


def ferretdb_binary() -> Path:
    # Keyed by the sources (our main.go, go.mod, patches.py): clones or branches with other
    # patches each keep their own build in the shared cache instead of rebuilding in turn.
    sources = _sha256(*(f.read_bytes() for f in _ferretdb_sources()))[:12]
    return cache_dir() / f"ferretdb-{ferretdb_version()}-{sources}" / FERRETDB_BINARY_NAME


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Exclusive advisory lock (flock) on ``path`` for the duration of the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- fetch


def _sha256(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
    return h.hexdigest()


def _which(tool: str, why: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise StackError(f"'{tool}' not found on PATH; it is needed {why}")
    return path


def _run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, what: str) -> None:
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-60:])
        raise StackError(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n{tail}")


def _kafka_stamp() -> str:
    return _sha256(b"kafka-libs-v1", kafka_version().encode(), KAFKA_POM.read_bytes())


def _ferretdb_go_version(go: str) -> str:
    out = subprocess.run([go, "version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return out.stdout.strip()


def _ferretdb_sources() -> list[Path]:
    files = [FERRETDB_SRC / "go.mod", FERRETDB_SRC / "go.sum", FERRETDB_SRC / "patches.py"]
    files += sorted(FERRETDB_SRC.glob("*.go")) + sorted((FERRETDB_SRC / "_overlay").rglob("*.go"))
    return files


def _ferretdb_stamp(go_version: str) -> str:
    parts = [b"ferretdb-local-v1", go_version.encode()]
    for f in _ferretdb_sources():
        parts += [f.name.encode(), f.read_bytes()]
    return _sha256(*parts)


def _stamp_ok(stamp_file: Path, stamp: str) -> bool:
    try:
        return stamp_file.read_text().strip() == stamp
    except OSError:
        return False


def fetch_kafka() -> str:
    """Resolve the broker's jars with Maven into the cache, unless already there."""
    home = kafka_home()
    libs = home / "libs"
    stamp_file = home / ".stamp"
    stamp = _kafka_stamp()
    version = kafka_version()
    main_jar = libs / f"kafka_2.13-{version}.jar"
    if _stamp_ok(stamp_file, stamp) and main_jar.is_file():
        return f"kafka {version}: cached ({len(list(libs.glob('*.jar')))} jars in {libs})"

    mvn = _which("mvn", "to resolve the Kafka broker jars")
    t0 = time.monotonic()
    home.mkdir(parents=True, exist_ok=True)
    tmp = home / "libs.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    _run([mvn, "-B", "-q", "-f", str(KAFKA_POM),
          "dependency:copy-dependencies",
          f"-DoutputDirectory={tmp}",
          "-DincludeScope=runtime",
          f"-Dmaven.repo.local={cache_dir() / 'm2'}"],
         cwd=home, what="Maven (resolving the Kafka jars)")
    if not (tmp / main_jar.name).is_file():
        raise StackError(f"Maven ran but {main_jar.name} is not in {tmp}")
    shutil.rmtree(libs, ignore_errors=True)
    tmp.rename(libs)
    stamp_file.write_text(stamp + "\n")
    n = len(list(libs.glob("*.jar")))
    return f"kafka {version}: resolved {n} jars with Maven into {libs} in {time.monotonic() - t0:.1f}s"


def fetch_ferretdb() -> str:
    """Build deploy/local/ferretdb with Go into the cache, unless already built from these sources."""
    go = _which("go", "to build FerretDB")
    binary = ferretdb_binary()
    stamp_file = binary.parent / ".stamp"
    stamp = _ferretdb_stamp(_ferretdb_go_version(go))
    version = ferretdb_version()
    if _stamp_ok(stamp_file, stamp) and binary.is_file() and os.access(binary, os.X_OK):
        return f"ferretdb {version}: cached ({binary})"

    t0 = time.monotonic()
    binary.parent.mkdir(parents=True, exist_ok=True)
    tmp = binary.with_name(binary.name + ".tmp")
    env = dict(os.environ, CGO_ENABLED="0")
    modfile = _patched_ferretdb_module(go, binary.parent, env)
    _run([go, "build", "-buildvcs=false", "-trimpath", "-mod=mod", f"-modfile={modfile}", "-o", str(tmp), "."],
         cwd=FERRETDB_SRC, env=env, what="go build (FerretDB)")
    tmp.replace(binary)
    stamp_file.write_text(stamp + "\n")
    return f"ferretdb {version}: built {binary} in {time.monotonic() - t0:.1f}s"


def _patched_ferretdb_module(go: str, build_dir: Path, env: dict) -> Path:
    """Copy FerretDB's module out of Go's module cache, make its writes atomic (see
    ferretdb/patches.py), and return a go.mod (in the cache) that builds with it."""
    sys.path.insert(0, str(FERRETDB_SRC))
    import patches  # noqa: E402  (beside this file; stdlib only)

    version = ferretdb_version()
    out = subprocess.run([go, "mod", "download", "-json", f"github.com/FerretDB/FerretDB@v{version}"],
                         cwd=FERRETDB_SRC, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        raise StackError(f"go mod download FerretDB failed:\n{out.stderr[-2000:]}")
    source = Path(json.loads(out.stdout)["Dir"])
    patched = build_dir / f"ferretdb-src-{version}"
    shutil.rmtree(patched, ignore_errors=True)
    shutil.copytree(source, patched)
    for path in patched.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    patches.patch(patched)
    modfile = build_dir / "go.mod"
    modfile.write_text((FERRETDB_SRC / "go.mod").read_text()
                       + f"\nreplace github.com/FerretDB/FerretDB => {patched}\n")
    shutil.copy(FERRETDB_SRC / "go.sum", build_dir / "go.sum")
    return modfile


def fetch() -> list[str]:
    """Fetch/build both servers into the cache (no-op when cached). Returns what was done."""
    with _locked(cache_dir() / ".fetch.lock"):
        return [fetch_kafka(), fetch_ferretdb()]


def _fetched() -> bool:
    try:
        version = kafka_version()
        if not (_stamp_ok(kafka_home() / ".stamp", _kafka_stamp())
                and (kafka_libs() / f"kafka_2.13-{version}.jar").is_file()):
            return False
        go = shutil.which("go")
        if not go:
            return ferretdb_binary().is_file()  # cannot rebuild anyway; use what is there
        return (_stamp_ok(ferretdb_binary().parent / ".stamp", _ferretdb_stamp(_ferretdb_go_version(go)))
                and ferretdb_binary().is_file())
    except OSError:
        return False


def ensure_fetched() -> None:
    if not _fetched():
        for line in fetch():
            _say(line)


# --------------------------------------------------------------------------- processes


def _pid_file(data: Path, name: str) -> Path:
    return data / f"{name}.pid"


def _server_dir(data: Path, name: str) -> Path:
    return data / name


def _state_file(data: Path, name: str) -> Path:
    return _server_dir(data, name) / "state.json"


def _log_file(data: Path, name: str) -> Path:
    if name == "kafka":
        return _server_dir(data, name) / "logs" / "server.log"
    return _server_dir(data, name) / "ferretdb.log"


def _out_file(data: Path, name: str) -> Path:
    """Where the process's stdout/stderr go."""
    if name == "kafka":
        return _server_dir(data, name) / "kafka.out"
    return _server_dir(data, name) / "ferretdb.log"


def _read_state(data: Path, name: str) -> dict[str, Any]:
    try:
        return json.loads(_state_file(data, name).read_text())
    except (OSError, ValueError):
        return {}


def _write_state(data: Path, name: str, state: dict[str, Any]) -> None:
    f = _state_file(data, name)
    f.parent.mkdir(parents=True, exist_ok=True)
    tmp = f.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(f)


def _read_pid(data: Path, name: str) -> int | None:
    try:
        return int(_pid_file(data, name).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


# Popen objects of servers started by this Python process, so they can be reaped
# (a dead child that is not waited for stays a zombie and looks alive to kill(pid, 0)).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def _alive(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is not None:
            return False
    else:
        with contextlib.suppress(ChildProcessError, OSError):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # field 3 (after the parenthesised command name) is the state; Z/X = dead
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state not in ("Z", "X")


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def _cmdline_matches(name: str, pid: int, data: Path) -> bool:
    """Is ``pid`` the server ``name`` that this tool started for ``data``?"""
    args = _cmdline(pid)
    if not args:
        return False
    if name == "kafka":
        props = str(_server_dir(data, "kafka") / "server.properties")
        return "kafka.Kafka" in args and props in args
    ferret_data = str(_server_dir(data, "ferretdb") / "data")
    return (Path(args[0]).name == FERRETDB_BINARY_NAME
            and "-data-dir" in args and ferret_data in args)


def _running_pid(data: Path, name: str) -> int | None:
    """The live pid of our server ``name`` for ``data``, else None (stale pid files are removed)."""
    pid = _read_pid(data, name)
    if pid is None:
        return None
    if _alive(pid) and _cmdline_matches(name, pid, data):
        return pid
    with contextlib.suppress(OSError):
        _pid_file(data, name).unlink()
    return None


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        if s.connect_ex((HOST, port)) == 0:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    return False


def _can_connect(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def _tail(path: Path, n: int = LOG_TAIL_LINES) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 256 * 1024))
            lines = fh.read().decode(errors="replace").splitlines()
    except OSError:
        return f"(no log at {path})"
    return "\n".join(lines[-n:]) if lines else f"(log {path} is empty)"


def _log_since(path: Path, offset: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(offset if offset <= size else 0)  # a smaller file was rotated: read it all
            return fh.read().decode(errors="replace")
    except OSError:
        return ""


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _signal_and_wait(pid: int, name: str, grace: float | None = None) -> None:
    """SIGTERM, wait up to ``grace`` (default STOP_GRACE_SECONDS) seconds, then SIGKILL."""
    if grace is None:
        grace = STOP_GRACE_SECONDS
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.1)
    _say(f"{name} (pid {pid}) did not stop within {grace:.0f}s of SIGTERM; sending SIGKILL")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)


def _spawn(cmd: list[str], cwd: Path, out: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "ab") as fh:
        fh.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(cmd)}\n".encode())
        fh.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
    _CHILDREN[proc.pid] = proc
    return proc


# --------------------------------------------------------------------------- kafka


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        java = str(Path(java_home) / "bin" / "java")
    else:
        java = _which("java", "to run the Kafka broker (Java 17 or newer)")
    out = subprocess.run([java, "-version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if m:
        major = int(m.group(1))
        if major == 1 and m.group(2):
            major = int(m.group(2))
        if major < 17:
            raise StackError(f"{java} is Java {major}; the Kafka {kafka_version()} broker needs Java 17 or newer")
    return java


def _kafka_properties(data: Path, port: int, controller_port: int) -> str:
    kdir = _server_dir(data, "kafka")
    return f"""# Written by deploy/local/stack.py on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@{HOST}:{controller_port}
listeners=PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}
advertised.listeners=PLAINTEXT://{HOST}:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={kdir / "data"}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
"""


def _kafka_log4j(data: Path) -> str:
    logs = _server_dir(data, "kafka") / "logs"
    return f"""# Written by deploy/local/stack.py on every start; edits are overwritten.
status = warn
name = jingzhun-local-kafka
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = {logs}/server.log
appender.file.filePattern = {logs}/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
# the full config is dumped at INFO four times per start (~1500 lines); see server.properties
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
"""


def _kafka_tools_log4j() -> str:
    """For the storage tool: warnings to stderr (captured and shown if it fails)."""
    return """# Written by deploy/local/stack.py; edits are overwritten.
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
"""


def _kafka_cluster_id() -> str:
    """A random Kafka Uuid (22 chars of URL-safe base64, not starting with '-')."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


def _java_cmd(java: str, data: Path, heap: list[str], log4j: str = "log4j2.properties") -> list[str]:
    kdir = _server_dir(data, "kafka")
    return [java, *heap,
            "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={kdir / 'logs'}",
            f"-Dlog4j2.configurationFile={kdir / log4j}",
            # keep logging alive until the JVM exits, so the broker's shutdown is logged
            "-Dlog4j2.shutdownHookEnabled=false",
            "-cp", str(kafka_libs() / "*")]


def _launch_kafka(data: Path, port: int, controller_port: int) -> dict[str, Any]:
    java = _java()
    kdir = _server_dir(data, "kafka")
    (kdir / "logs").mkdir(parents=True, exist_ok=True)
    (kdir / "data").mkdir(parents=True, exist_ok=True)
    props = kdir / "server.properties"
    props.write_text(_kafka_properties(data, port, controller_port))
    (kdir / "log4j2.properties").write_text(_kafka_log4j(data))
    (kdir / "log4j2-tools.properties").write_text(_kafka_tools_log4j())

    if not (kdir / "data" / "meta.properties").is_file():
        cluster_id = _kafka_cluster_id()
        _say(f"kafka: formatting storage in {kdir / 'data'} (cluster id {cluster_id})")
        _run([*_java_cmd(java, data, ["-Xmx256m"], "log4j2-tools.properties"), "kafka.tools.StorageTool", "format",
              "-t", cluster_id, "-c", str(props), "--ignore-formatted"],
             cwd=kdir, what="Kafka storage format")

    heap = os.environ.get("KAFKA_HEAP_OPTS", "-Xms256m -Xmx512m").split()
    log_offset = _file_size(_log_file(data, "kafka"))
    proc = _spawn([*_java_cmd(java, data, heap), "kafka.Kafka", str(props)],
                  cwd=kdir, out=_out_file(data, "kafka"))
    return {"pid": proc.pid, "port": port, "controller_port": controller_port,
            "log_offset": log_offset, "started_at": time.time()}


def _kafka_ready(data: Path, state: dict[str, Any]) -> bool:
    return (_can_connect(state["port"])
            and KAFKA_READY_MARKER in _log_since(_log_file(data, "kafka"), state.get("log_offset", 0)))


# --------------------------------------------------------------------------- ferretdb


def _launch_ferretdb(data: Path, port: int) -> dict[str, Any]:
    fdir = _server_dir(data, "ferretdb")
    (fdir / "data").mkdir(parents=True, exist_ok=True)
    binary = ferretdb_binary()
    if not binary.is_file():
        raise StackError(f"FerretDB binary {binary} is missing; run: python {__file__} fetch")
    log = _log_file(data, "ferretdb")
    log_offset = _file_size(log)
    level = os.environ.get("FERRETDB_LOG_LEVEL", "info")
    proc = _spawn([str(binary), "-listen-addr", f"{HOST}:{port}", "-data-dir", str(fdir / "data"),
                   "-log-level", level], cwd=fdir, out=log)
    return {"pid": proc.pid, "port": port, "log_offset": log_offset, "started_at": time.time()}


def _ferretdb_ready(data: Path, state: dict[str, Any]) -> bool:
    return (_can_connect(state["port"])
            and FERRETDB_READY_MARKER in _log_since(_log_file(data, "ferretdb"), state.get("log_offset", 0)))


# --------------------------------------------------------------------------- start / stop


def _info(data: Path, name: str, state: dict[str, Any], pid: int | None) -> dict[str, Any]:
    port = state.get("port")
    info: dict[str, Any] = {"name": name, "running": pid is not None, "pid": pid, "port": port,
                            "log": str(_log_file(data, name))}
    if name == "kafka":
        info["controller_port"] = state.get("controller_port")
        info["bootstrap_servers"] = f"{HOST}:{port}" if port else None
    else:
        info["uri"] = f"mongodb://{HOST}:{port}/" if port else None
    return info


def _failure(data: Path, name: str, headline: str, log_offset: int = 0) -> StackError:
    log = _log_file(data, name)
    lines = _log_since(log, log_offset).splitlines()
    body = "\n".join(lines[-LOG_TAIL_LINES:]) if lines else f"(nothing logged to {log} by this start)"
    parts = [headline]
    errors = [ln for ln in lines if re.search(r"\b(ERROR|FATAL)\b|level=ERROR|Exception:", ln)]
    if errors:
        parts += [f"--- first error lines in {log} ---", *(ln[:400] for ln in errors[:8])]
    parts += [f"--- last {LOG_TAIL_LINES} lines of {log} ---", body]
    out = _out_file(data, name)
    if out != _log_file(data, name) and _file_size(out) > 0:
        parts += [f"--- last {LOG_TAIL_LINES} lines of {out} (stdout/stderr) ---", _tail(out)]
    return StackError("\n".join(parts))


def _wait_ready(data: Path, pending: dict[str, dict[str, Any]], launched: set[str], timeout: float) -> None:
    """Wait until every server in ``pending`` is ready; on failure stop the ``launched`` ones and raise."""
    deadline = time.monotonic() + timeout
    waiting = dict(pending)
    error: StackError | None = None
    while waiting and error is None:
        for name, state in list(waiting.items()):
            pid = state["pid"]
            ready = _kafka_ready(data, state) if name == "kafka" else _ferretdb_ready(data, state)
            if not _alive(pid):
                child = _CHILDREN.get(pid)
                code = child.returncode if child is not None else "unknown"
                error = _failure(data, name, f"{name} exited during startup (exit code {code}; "
                                             f"port {state['port']})", state.get("log_offset", 0))
                break
            if ready:
                _say(f"{name} ready on {HOST}:{state['port']} (pid {pid})")
                del waiting[name]
        else:
            if waiting and time.monotonic() > deadline:
                name = next(iter(waiting))
                error = _failure(data, name, f"{name} did not become ready within {timeout:g}s "
                                             f"(pid {waiting[name]['pid']}, port {waiting[name]['port']})",
                                 waiting[name].get("log_offset", 0))
            elif waiting:
                time.sleep(0.25)
    if error is not None:
        for name, state in pending.items():
            if name not in launched:
                continue
            if _alive(state["pid"]) and _cmdline_matches(name, state["pid"], data):
                _say(f"stopping {name} (pid {state['pid']}) after the failed start")
                _signal_and_wait(state["pid"], name, grace=10)
            with contextlib.suppress(OSError):
                _pid_file(data, name).unlink()
        raise error


def _start_servers(data: Path, wanted: dict[str, dict[str, int]], timeout: float) -> dict[str, Any]:
    """wanted: name -> {"port": p, ["controller_port": c]}. Caller holds the data-dir lock."""
    ensure_fetched()
    pending: dict[str, dict[str, Any]] = {}
    launched: set[str] = set()  # started by this call (only these are stopped on failure)
    result: dict[str, Any] = {}
    # First decide what to launch and check every port, so nothing is started in vain.
    to_launch: list[str] = []
    for name, ports in wanted.items():
        pid = _running_pid(data, name)
        state = _read_state(data, name)
        if pid is not None:
            if state.get("port") != ports["port"] or (
                    name == "kafka" and state.get("controller_port") != ports["controller_port"]):
                raise StackError(
                    f"{name} is already running from {data} (pid {pid}) on port {state.get('port')}"
                    + (f"/controller {state.get('controller_port')}" if name == "kafka" else "")
                    + f", not on the requested {ports['port']}; stop it first to change ports")
            _say(f"{name} already running (pid {pid}, port {state['port']}); nothing to do")
            pending[name] = state  # still confirm readiness (it may be starting up)
            continue
        if name == "kafka" and ports["controller_port"] == ports["port"]:
            raise StackError("kafka port and controller port must differ")
        for p in [ports["port"]] + ([ports["controller_port"]] if name == "kafka" else []):
            if not 0 < p < 65536:
                raise StackError(f"cannot start {name}: {p} is not a valid port")
            if _port_in_use(p):
                raise StackError(f"cannot start {name}: port {p} on {HOST} is already in use by "
                                 f"another process (choose another port, or stop whatever holds it)")
        to_launch.append(name)
    try:
        for name in to_launch:
            ports = wanted[name]
            if name == "kafka":
                state = _launch_kafka(data, ports["port"], ports["controller_port"])
            else:
                state = _launch_ferretdb(data, ports["port"])
            _write_state(data, name, state)
            _pid_file(data, name).write_text(f"{state['pid']}\n")
            _say(f"{name} started (pid {state['pid']}, port {state['port']}); log: {_log_file(data, name)}")
            pending[name] = state
            launched.add(name)
    except BaseException:
        for name in launched:  # do not leave half a stack that this call started
            state = pending[name]
            if _alive(state["pid"]):
                _say(f"stopping {name} (pid {state['pid']}) after the failed start")
                _signal_and_wait(state["pid"], name, grace=10)
            with contextlib.suppress(OSError):
                _pid_file(data, name).unlink()
        raise
    _wait_ready(data, pending, launched, timeout)
    for name in wanted:
        result[name] = _info(data, name, _read_state(data, name), _running_pid(data, name))
    return result


def _resolve_ports(kafka_port: int | None, mongo_port: int | None,
                   controller_port: int | None) -> dict[str, dict[str, int]]:
    kp = kafka_port if kafka_port is not None else _env_port("KAFKA_PORT", DEFAULT_KAFKA_PORT)
    mp = mongo_port if mongo_port is not None else _env_port("MONGO_PORT", DEFAULT_MONGO_PORT)
    cp = controller_port if controller_port is not None else _env_port("KAFKA_CONTROLLER_PORT", kp + 1)
    return {"kafka": {"port": kp, "controller_port": cp}, "ferretdb": {"port": mp}}


def start(kafka_port: int | None = None, mongo_port: int | None = None,
          data_dir: str | os.PathLike[str] | None = None, timeout: float = DEFAULT_TIMEOUT,
          controller_port: int | None = None) -> dict[str, Any]:
    """Start Kafka and FerretDB (fetching first if needed) and wait until both are ready.

    Ports default to $KAFKA_PORT / $MONGO_PORT / 9092 / 27017; the controller port to
    kafka_port + 1 ($KAFKA_CONTROLLER_PORT). Already-running servers are left alone.
    Returns {"kafka": {..., "bootstrap_servers"}, "ferretdb": {..., "uri"}}.
    Raises StackError (with the server's log tail) if a server fails or times out.
    """
    data = _data_dir(data_dir)
    with _locked(data / ".stack.lock"):
        return _start_servers(data, _resolve_ports(kafka_port, mongo_port, controller_port), timeout)


def start_one(data_dir: str | os.PathLike[str] | None, name: str, port: int | None = None,
              timeout: float = DEFAULT_TIMEOUT, controller_port: int | None = None) -> dict[str, Any]:
    """Start just ``name`` ("kafka" or "ferretdb") on its data in ``data_dir``.

    Without ``port`` it reuses the ports it last ran on in this data dir (else the defaults),
    so ``stop_one(d, "kafka"); start_one(d, "kafka")`` brings the same broker back.
    """
    if name not in SERVERS:
        raise StackError(f"unknown server {name!r}; expected one of {', '.join(SERVERS)}")
    data = _data_dir(data_dir)
    with _locked(data / ".stack.lock"):
        last = _read_state(data, name)
        if port is None:
            port = last.get("port")
        if name == "kafka" and controller_port is None and port == last.get("port"):
            controller_port = last.get("controller_port")
        ports = _resolve_ports(port if name == "kafka" else None,
                               port if name == "ferretdb" else None, controller_port)
        return _start_servers(data, {name: ports[name]}, timeout)[name]


def stop_one(data_dir: str | os.PathLike[str] | None, name: str) -> bool:
    """Stop ``name`` if this tool started it for ``data_dir``. Returns True if it was running."""
    if name not in SERVERS:
        raise StackError(f"unknown server {name!r}; expected one of {', '.join(SERVERS)}")
    data = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir().resolve()
    if not data.is_dir():
        _say(f"{name} not running (no data dir {data})")
        return False
    with _locked(data / ".stack.lock"):
        return _stop_locked(data, name)


def _stop_locked(data: Path, name: str) -> bool:
    pid_file = _pid_file(data, name)
    pid = _read_pid(data, name)
    if pid is None:
        with contextlib.suppress(OSError):
            pid_file.unlink()
        _say(f"{name} not running (no pid file in {data})")
        return False
    if not _alive(pid):
        _say(f"{name} not running (pid {pid} has exited); removing the pid file")
        pid_file.unlink(missing_ok=True)
        return False
    if not _cmdline_matches(name, pid, data):
        _say(f"{name}: pid {pid} is now some other process ({' '.join(_cmdline(pid))[:120]!r}); "
             f"not signalling it, removing the stale pid file")
        pid_file.unlink(missing_ok=True)
        return False
    t0 = time.monotonic()
    _signal_and_wait(pid, name)
    pid_file.unlink(missing_ok=True)
    _CHILDREN.pop(pid, None)
    _say(f"{name} stopped (pid {pid}, {time.monotonic() - t0:.1f}s)")
    return True


def stop(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Stop both servers that this tool started for ``data_dir`` (SIGTERM, 20 s, SIGKILL)."""
    data = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir().resolve()
    if not data.is_dir():
        _say(f"nothing running (no data dir {data})")
        return
    with _locked(data / ".stack.lock"):
        for name in SERVERS:
            _stop_locked(data, name)


def status(data_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """{"data_dir": ..., "kafka": {...running, pid, port...}, "ferretdb": {...}} (read-only)."""
    data = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir().resolve()
    result: dict[str, Any] = {"data_dir": str(data), "cache_dir": str(cache_dir())}
    for name in SERVERS:
        pid = _read_pid(data, name)
        live = pid if pid is not None and _alive(pid) and _cmdline_matches(name, pid, data) else None
        info = _info(data, name, _read_state(data, name), live)
        if pid is not None and live is None:
            info["stale_pid_file"] = pid
        if live is not None:
            info["accepting"] = _can_connect(info["port"]) if info["port"] else False
        result[name] = info
    return result


# --------------------------------------------------------------------------- CLI


def _main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="stack.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    sub.add_parser("fetch", help="fetch/build Kafka and FerretDB into the cache")

    data_help = "data dir (default $JINGZHUN_DATA or ~/.local/state/jingzhun/stack)"
    ps = sub.add_parser("start", help="start both servers in the background and wait until ready")
    ps.add_argument("--kafka-port", type=int, default=None, help="default $KAFKA_PORT or 9092")
    ps.add_argument("--controller-port", type=int, default=None,
                    help="KRaft controller port (default $KAFKA_CONTROLLER_PORT or kafka port + 1)")
    ps.add_argument("--mongo-port", type=int, default=None, help="FerretDB port (default $MONGO_PORT or 27017)")
    ps.add_argument("--data", default=None, help=data_help)
    ps.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="readiness timeout, seconds (90)")
    ps.add_argument("--only", choices=SERVERS, help="start just this server")

    pst = sub.add_parser("stop", help="stop the servers this tool started for the data dir")
    pst.add_argument("--data", default=None, help=data_help)
    pst.add_argument("--only", choices=SERVERS, help="stop just this server")

    pss = sub.add_parser("status", help="show whether the servers run (exit 0 if both, 3 if not)")
    pss.add_argument("--data", default=None, help=data_help)
    pss.add_argument("--json", action="store_true", help="print JSON")

    args = p.parse_args(argv)
    try:
        if args.cmd == "fetch":
            for line in fetch():
                print(line)
            return 0
        if args.cmd == "start":
            if args.only:
                port = args.kafka_port if args.only == "kafka" else args.mongo_port
                infos = {args.only: start_one(args.data, args.only, port, args.timeout, args.controller_port)}
            else:
                infos = start(args.kafka_port, args.mongo_port, args.data, args.timeout, args.controller_port)
            for name, info in infos.items():
                where = info.get("bootstrap_servers") or info.get("uri")
                print(f"{name}: running, pid {info['pid']}, {where}")
            return 0
        if args.cmd == "stop":
            if args.only:
                stop_one(args.data, args.only)
            else:
                stop(args.data)
            return 0
        if args.cmd == "status":
            st = status(args.data)
            if args.json:
                print(json.dumps(st, indent=2))
            else:
                print(f"data dir: {st['data_dir']}")
                for name in SERVERS:
                    i = st[name]
                    if i["running"]:
                        where = i.get("bootstrap_servers") or i.get("uri")
                        acc = "" if i.get("accepting") else " (not accepting connections yet)"
                        print(f"{name}: running, pid {i['pid']}, {where}{acc}")
                    elif "stale_pid_file" in i:
                        print(f"{name}: not running (stale pid file: pid {i['stale_pid_file']})")
                    else:
                        print(f"{name}: not running")
            return 0 if all(st[n]["running"] for n in SERVERS) else 3
    except StackError as e:
        print(f"stack: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(_main())
