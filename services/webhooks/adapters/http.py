"""HTTP out: one attempt of a delivery to a partner, and a report forwarded to a program."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

EXCERPT = 500


class PinnedAdapter(HTTPAdapter):
    """Connects to the address a delivery's URL names (the one the SSRF check passed) while
    TLS still names the partner's host: SNI and the certificate's check use the Host header's
    name, never a second resolution of it."""

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        name = request.headers.get("Host")
        if name and host_params["scheme"] == "https":
            hostname = urlsplit(f"//{name}").hostname
            pool_kwargs["server_hostname"] = hostname
            pool_kwargs["assert_hostname"] = hostname
        return host_params, pool_kwargs


def pinned_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies from the environment: we checked the address
    session.mount("https://", PinnedAdapter())
    session.mount("http://", PinnedAdapter())
    return session


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    excerpt: str
    error: str = ""
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(session: requests.Session, target, body: str, headers: dict, timeout: float) -> Outcome:
    """One attempt at ``target`` (ssrf.Target: the checked address, the partner's host name)
    with a session of ``pinned_session``."""
    t0 = time.perf_counter()
    try:
        # No redirects: a partner's 30x could point us at an address the SSRF check refused.
        r = session.post(target.url, data=body.encode(), headers={**headers, "Host": target.netloc},
                         timeout=timeout, allow_redirects=False)
        excerpt = r.text[:EXCERPT]
        return Outcome(r.status_code, int((time.perf_counter() - t0) * 1000), excerpt,
                       retry_after=r.headers.get("Retry-After"))
    except requests.RequestException as exc:
        return Outcome(None, int((time.perf_counter() - t0) * 1000), "", f"{exc.__class__.__name__}: {exc}"[:EXCERPT])


class Unreachable(Exception):
    """The program service did not answer (or answered 5xx): try again later."""


class ProgramClient:
    """Calls a program service's API as the webhooks service user (a bearer token)."""

    def __init__(self, service_urls: dict, token: str, timeout: float = 10.0):
        self.urls, self.token, self.timeout = service_urls, token, timeout

    def send(self, program: str, path: str, command: dict) -> tuple[int, dict]:
        url = self.urls[program].rstrip("/") + path
        try:
            r = requests.post(url, data=json.dumps(command, default=str), timeout=self.timeout,
                              headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        except requests.RequestException as exc:
            raise Unreachable(f"{program}: {exc.__class__.__name__}") from None
        if r.status_code >= 500:
            raise Unreachable(f"{program} answered {r.status_code}")
        try:
            body = r.json()
        except ValueError:
            body = {"message": r.text[:EXCERPT]}
        return r.status_code, body if isinstance(body, dict) else {"items": body}
