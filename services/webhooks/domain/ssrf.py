"""Callback URLs must not reach inside our network (SSRF). The host is resolved once; every
address it resolves to must be globally routable (IPv4 and IPv6, and the IPv4 address inside
IPv6 forms that carry one: mapped, 6to4, Teredo, NAT64), unless the host or the address is
allow-listed; and the delivery then connects to the very address that was checked
(``Target``), so a name that resolves differently a moment later (DNS rebinding) changes
nothing."""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeUrl(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    """Where a checked URL is delivered: ``url`` names the checked ``address``; ``host`` is the
    partner's host name, and ``netloc`` (host and port, as the partner's URL wrote them) what
    the request's Host header says and TLS (SNI, certificate) checks."""
    url: str
    host: str
    address: str
    netloc: str


def _carried(ip) -> list:
    """The address and the IPv4 addresses an IPv6 address carries, each of which must be public."""
    inner = []
    if ip.version == 6:
        inner = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None,
                 ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None]
    return [ip] + [a for a in inner if a is not None]


def address_problem(address: str) -> str | None:
    for ip in _carried(ipaddress.ip_address(address)):
        if not ip.is_global or ip.is_multicast:
            kind = next((what for test, what in ((ip.is_loopback, "loopback"), (ip.is_private, "private"),
                                                 (ip.is_link_local, "link-local"), (ip.is_multicast, "multicast"),
                                                 (ip.is_unspecified, "unspecified")) if test), "non-public")
            return f"{address} is a {kind} address" + (f" ({ip})" if str(ip) != address else "")
    return None


def resolve(host: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})
    except socket.gaierror as exc:
        raise UnsafeUrl(f"the host {host} does not resolve ({exc.strerror})") from None


def check_url(url: str, allowed: frozenset | set = frozenset(), resolver=resolve) -> Target:
    """The URL's target, checked; UnsafeUrl with the reason otherwise. ``allowed`` holds hosts
    or addresses let through."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("the URL must be http:// or https:// with a host")
    if parts.username or parts.password:
        raise UnsafeUrl("the URL must not carry a user name or password")
    host = parts.hostname
    addresses = [host] if _is_address(host) else resolver(host)
    if not addresses:
        raise UnsafeUrl(f"the host {host} does not resolve")
    if host not in allowed:
        for address in addresses:
            problem = None if address in allowed else address_problem(address)
            if problem:
                raise UnsafeUrl(f"{host}: {problem}; callback URLs must be public")
    address = addresses[0]
    shown = f"[{address}]" if ":" in address else address
    netloc = shown + (f":{parts.port}" if parts.port else "")
    return Target(urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host, address, parts.netloc)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
