"""The one check every redirect target taken from a request goes through: a path on this site,
never another host (``//host``, ``/\\host`` and ``https://host`` are other hosts to a browser)."""
from __future__ import annotations

from urllib.parse import urlparse


def same_site(target: str | None, fallback: str = "/") -> str:
    """``target`` if it is a path on this site, else ``fallback``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback  # browsers read a backslash as a slash, and drop control characters
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc:
        return fallback
    return target
