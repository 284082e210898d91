"""The webhooks service's own settings, from environment variables with local defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass

from services.webhooks.domain.schedule import DEFAULT_SCHEDULE, DisablePolicy, parse_schedule


def _float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    return float(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class WebhookSettings:
    retry_schedule: tuple = DEFAULT_SCHEDULE     # WEBHOOKS_RETRY_SCHEDULE="0,5,300,…" (seconds)
    disable: DisablePolicy = DisablePolicy()     # WEBHOOKS_DISABLE_AFTER_SECONDS / _ATTEMPTS
    allowed_hosts: frozenset = frozenset()       # WEBHOOKS_ALLOWED_HOSTS="127.0.0.1,hooks.internal"
    request_timeout: float = 10.0                # WEBHOOKS_REQUEST_TIMEOUT (seconds per request)
    threads: int = 8                             # WEBHOOKS_THREADS: endpoints served at once
    rotation_overlap: float = 86400.0            # WEBHOOKS_ROTATION_OVERLAP (seconds)
    poll_interval: float = 0.5                   # WEBHOOKS_POLL_INTERVAL (seconds)
    forward_timeout: float = 10.0                # WEBHOOKS_FORWARD_TIMEOUT: calls to program services

    @classmethod
    def from_env(cls, env: dict | None = None) -> "WebhookSettings":
        env = dict(os.environ if env is None else env)
        hosts = frozenset(h.strip() for h in env.get("WEBHOOKS_ALLOWED_HOSTS", "").split(",") if h.strip())
        return cls(
            retry_schedule=parse_schedule(env.get("WEBHOOKS_RETRY_SCHEDULE", "")),
            disable=DisablePolicy(_float(env, "WEBHOOKS_DISABLE_AFTER_SECONDS", 5 * 86400),
                                  int(_float(env, "WEBHOOKS_DISABLE_AFTER_ATTEMPTS", 0))),
            allowed_hosts=hosts,
            request_timeout=_float(env, "WEBHOOKS_REQUEST_TIMEOUT", 10.0),
            threads=int(_float(env, "WEBHOOKS_THREADS", 8)),
            rotation_overlap=_float(env, "WEBHOOKS_ROTATION_OVERLAP", 86400.0),
            poll_interval=_float(env, "WEBHOOKS_POLL_INTERVAL", 0.5),
            forward_timeout=_float(env, "WEBHOOKS_FORWARD_TIMEOUT", 10.0),
        )
