"""One settings object per process, read from environment variables with local defaults.

Nothing is read at import time: call ``Settings.from_env()`` in the app factory or the
entry point, so tests and gunicorn workers each get what their environment says.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

SERVICE_PORTS = {
    "registry": 8000,
    "ecommerce": 8001,
    "tourism": 8002,
    "photovoltaic": 8003,
    "microcredit": 8004,
    "relocation": 8005,
    "webhooks": 8006,
}  # SERVICE_PORTS


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def secret(env: dict, name: str, default: str = "") -> str:
    """A secret from ``<NAME>_FILE`` (a path, e.g. a Docker secret under /run/secrets) or
    ``<NAME>``; the file wins. Secrets never live in the repository."""
    path = env.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise ValueError(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    return env.get(name, default)


def _flag(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


# Only for the demo and the tests (JINGZHUN_DEV=1): a served site refuses to start with it.
DEV_SECRET_KEY = "dev-only-secret-change-me"


@dataclass(frozen=True)
class Settings:
    service: str = "registry"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    mongo_url: str = "mongodb://127.0.0.1:27017"
    # Every database and topic name starts with these, so a test run or a second
    # deployment can share a broker and a store without seeing anyone else's data.
    db_prefix: str = "jingzhun"
    # Not under db_prefix: the official areas are the same for every deployment on a server
    # (and for every test system), loaded once.
    gazetteer_database: str = "jingzhun_gazetteer"
    topic_prefix: str = "jingzhun"
    topic_partitions: int = 3
    topic_replication: int = 1
    secret_key: str = DEV_SECRET_KEY
    session_cookie_secure: bool = False
    log_level: str = "INFO"
    default_locale: str = "zh_CN"
    host: str = "127.0.0.1"
    port: int = 8000
    relay_interval_ms: int = 200
    relay_batch: int = 500
    consumer_group: str = "registry"
    # Fault injection for the outbox tests only: "" in production.
    relay_fault: str = ""
    service_urls: dict = field(default_factory=dict)
    # Registry policy settings (DOMAIN.md: a policy default is a setting).
    id_number_key: str = ""          # Fernet key for ID numbers; derived from SECRET_KEY if empty
    audit_key: str = ""              # HMAC key of the audit chain; derived from SECRET_KEY if empty
    # How often each process publishes the heads of the audit chains it wrote (shared/audit/anchors.py):
    # entries newer than the last anchor are the only ones that can be cut from a chain's end unseen.
    audit_anchor_interval_s: float = 5.0
    poverty_lines: str = ""          # "2014:2800,2020:4000" overrides the built-in table (yuan)
    exit_notice_days: int = 7
    # A return-to-poverty warning still open this many days after it was raised is flagged
    # on the dashboard and the warnings list (issue 18).
    warning_deadline_days: int = 30
    # The household card's PDF embeds this CJK font (a collection's member CARD_FONT_NUMBER:
    # Simplified Chinese in Noto Sans CJK); `make setup` installs it (scripts/ensure-cjk-font.sh).
    card_font: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    card_font_number: int = 2
    # Hardening (README, "Guarantees: hostile input and access").
    dev_mode: bool = True               # JINGZHUN_DEV=1: demo and tests (http, dev secret)
    max_body_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    login_max_failures: int = 5         # per user name, and 4x that per client address
    login_window_s: int = 900           # failures counted over this window …
    login_lockout_s: int = 900          # … and the lock-out that follows
    max_event_bytes: int = 256 * 1024   # a consumed record larger than this is dead-lettered
    # How long the group waits for a silent consumer before giving its partitions to others.
    consumer_session_timeout_ms: int = 45000
    # Records the registry's consumer (and a rebuild) takes per poll at most. It writes a poll
    # in batches, one update per counter document and per household: a longer poll under a
    # backlog merges more events into each (a short one is taken when there is no backlog).
    ingest_poll_records: int = 5000
    # The registry consumer publishes a poll's derived events and commits its offsets in one
    # Kafka transaction. Its id must be unique among running consumers and is best stable
    # across a restart (a restarted process then aborts what its predecessor left open at
    # once; otherwise readers of the stream wait for the timeout): by default
    # "<group>.<host>.<process name>", the process name from JINGZHUN_PROCESS (set by the
    # local stack and the demo) or the process id.
    transactional_id: str = ""
    # A transaction left open by a process that died is aborted after this long; longer
    # than a poll takes under a backlog (~10 s for 5,000 events on the local store).
    transaction_timeout_ms: int = 60000

    @classmethod
    def from_env(cls, service: str, env: dict | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        port_var = f"{service.upper()}_PORT"
        urls = {
            name: env.get(f"{name.upper()}_URL", f"http://127.0.0.1:{_int(env, f'{name.upper()}_PORT', port)}")
            for name, port in SERVICE_PORTS.items()
        }
        return cls(
            service=service,
            kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", cls.kafka_bootstrap_servers),
            mongo_url=env.get("MONGO_URL", cls.mongo_url),
            db_prefix=env.get("JINGZHUN_DB_PREFIX", cls.db_prefix),
            gazetteer_database=env.get("JINGZHUN_GAZETTEER_DB", cls.gazetteer_database),
            topic_prefix=env.get("JINGZHUN_TOPIC_PREFIX", cls.topic_prefix),
            topic_partitions=_int(env, "TOPIC_PARTITIONS", cls.topic_partitions),
            topic_replication=_int(env, "TOPIC_REPLICATION", cls.topic_replication),
            secret_key=secret(env, "SECRET_KEY", cls.secret_key),
            # Served over HTTPS unless said otherwise; the demo and tests (JINGZHUN_DEV=1) run on http.
            session_cookie_secure=_flag(env, "SESSION_COOKIE_SECURE", not _flag(env, "JINGZHUN_DEV", False)),
            log_level=env.get("LOG_LEVEL", cls.log_level),
            default_locale=env.get("DEFAULT_LOCALE", cls.default_locale),
            host=env.get("HOST", cls.host),
            port=_int(env, port_var, SERVICE_PORTS.get(service, 8000)),
            relay_interval_ms=_int(env, "RELAY_INTERVAL_MS", cls.relay_interval_ms),
            relay_batch=_int(env, "RELAY_BATCH", cls.relay_batch),
            consumer_group=env.get("CONSUMER_GROUP", f"{env.get('JINGZHUN_TOPIC_PREFIX', cls.topic_prefix)}.{service}"),
            relay_fault=env.get("JINGZHUN_RELAY_FAULT", ""),
            service_urls=urls,
            id_number_key=secret(env, "ID_NUMBER_KEY", ""),
            audit_key=secret(env, "AUDIT_KEY", ""),
            audit_anchor_interval_s=float(env.get("AUDIT_ANCHOR_INTERVAL_S", cls.audit_anchor_interval_s)),
            poverty_lines=env.get("POVERTY_LINES", ""),
            exit_notice_days=_int(env, "EXIT_NOTICE_DAYS", cls.exit_notice_days),
            warning_deadline_days=_int(env, "WARNING_DEADLINE_DAYS", cls.warning_deadline_days),
            card_font=env.get("CARD_FONT", cls.card_font),
            card_font_number=_int(env, "CARD_FONT_NUMBER", cls.card_font_number),
            dev_mode=_flag(env, "JINGZHUN_DEV", False),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", cls.max_body_bytes),
            max_upload_bytes=_int(env, "MAX_UPLOAD_BYTES", cls.max_upload_bytes),
            login_max_failures=_int(env, "LOGIN_MAX_FAILURES", cls.login_max_failures),
            login_window_s=_int(env, "LOGIN_WINDOW_S", cls.login_window_s),
            login_lockout_s=_int(env, "LOGIN_LOCKOUT_S", cls.login_lockout_s),
            max_event_bytes=_int(env, "MAX_EVENT_BYTES", cls.max_event_bytes),
            consumer_session_timeout_ms=_int(env, "CONSUMER_SESSION_TIMEOUT_MS", cls.consumer_session_timeout_ms),
            ingest_poll_records=_int(env, "INGEST_POLL_RECORDS", cls.ingest_poll_records),
            transactional_id=env.get("KAFKA_TRANSACTIONAL_ID", ""),
            transaction_timeout_ms=_int(env, "TRANSACTION_TIMEOUT_MS", cls.transaction_timeout_ms),
        )

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @property
    def database_name(self) -> str:
        return f"{self.db_prefix}_{self.service}"

    @property
    def auth_database_name(self) -> str:
        return f"{self.db_prefix}_auth"
