"""Callback URLs must not reach inside our network (SSRF): the host is resolved and every
address it resolves to must be public, unless the host or address is allow-listed."""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeUrl(ValueError):
    pass


def address_problem(address: str) -> str | None:
    ip = ipaddress.ip_address(address)
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    for test, what in ((ip.is_loopback, "loopback"), (ip.is_private, "private"), (ip.is_link_local, "link-local"),
                       (ip.is_multicast, "multicast"), (ip.is_reserved, "reserved"),
                       (ip.is_unspecified, "unspecified")):
        if test:
            return f"{address} is a {what} address"
    return None


def resolve(host: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})
    except socket.gaierror as exc:
        raise UnsafeUrl(f"the host {host} does not resolve ({exc.strerror})") from None


def check_url(url: str, allowed: frozenset | set = frozenset(), resolver=resolve) -> None:
    """Raise UnsafeUrl with the reason; ``allowed`` holds hosts or addresses let through."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("the URL must be http:// or https:// with a host")
    if parts.username or parts.password:
        raise UnsafeUrl("the URL must not carry a user name or password")
    host = parts.hostname
    if host in allowed:
        return
    for address in resolver(host):
        if address in allowed:
            continue
        problem = address_problem(address)
        if problem:
            raise UnsafeUrl(f"{host}: {problem}; callback URLs must be public")
