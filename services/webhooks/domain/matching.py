"""Which events an endpoint receives: event-type patterns, programs and areas, always within
what its partner may see.

An event type ``cn.jingzhun.<program>.<entity>.<verb>.v1`` is matched in its short form
``<program>.<entity>.<verb>``. In a pattern ``*`` stands for one segment, and as the last
segment for one or more (``microcredit.*`` matches ``microcredit.loan.disbursed``); a lone
``*`` matches every type. Areas are administrative codes (6-digit county, 9-digit township,
12-digit village) matched as prefixes of the household's village code; an empty list means
"every area the partner may see" (for a partner: every area)."""
from __future__ import annotations

import re

from shared.messages import N_
from shared.validation_messages import templated

PATTERN_RE = re.compile(r"^(\*|[a-z0-9_]+)(\.(\*|[a-z0-9_]+)){0,3}$")
AREA_RE = re.compile(r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$")


def short_type(event_type: str) -> str:
    parts = event_type.split(".")
    if parts[:2] == ["cn", "jingzhun"]:
        parts = parts[2:]
    if parts and re.fullmatch(r"v[0-9]+", parts[-1]):
        parts = parts[:-1]
    return ".".join(parts)


def pattern_problem(pattern: str) -> str | None:
    if not PATTERN_RE.match(pattern or ""):
        return f"{pattern!r} is not an event-type pattern such as microcredit.loan.* or ecommerce.sale.recorded"
    return None


def pattern_matches(pattern: str, short: str) -> bool:
    want, have = pattern.split("."), short.split(".")
    if want == ["*"]:
        return True
    for i, segment in enumerate(want):
        last = i == len(want) - 1
        if i >= len(have):
            return False
        if segment == "*" and last:
            return True
        if segment != "*" and segment != have[i]:
            return False
    return len(want) == len(have)


def in_areas(village_code: str, areas: list[str]) -> bool:
    return not areas or any(village_code.startswith(area) for area in areas)


def area_within(area: str, allowed: list[str]) -> bool:
    """Is an endpoint's area inside what the partner may see?"""
    return not allowed or any(area.startswith(a) for a in allowed)


# An endpoint's scope beyond its partner's, said on the endpoint form in the reader's language
# ("values": programs by their names; event types are machine names and stay as they are).
NOT_PARTNERS = templated(N_("The partner may not see %(values)s."))
OUTSIDE_AREAS = templated(N_("Outside the partner's areas: %(areas)s."))


def scope_problems(endpoint: dict, partner: dict) -> dict[str, list[str]]:
    """Field errors when an endpoint asks for more than its partner may see."""
    problems = {}
    bad = [p for p in endpoint.get("programs") or [] if p not in partner["programs"]]
    if bad:
        problems["programs"] = [NOT_PARTNERS % {"values": ", ".join(bad)}]
    bad = [a for a in endpoint.get("areas") or [] if not area_within(a, partner.get("areas") or [])]
    if bad:
        problems["areas"] = [OUTSIDE_AREAS % {"areas": ", ".join(bad)}]
    bad = [p for p in endpoint.get("event_types") or []
           if pattern_problem(p) is None and p.split(".")[0] not in ("*", *partner["programs"])]
    if bad:
        problems["event_types"] = [NOT_PARTNERS % {"values": ", ".join(bad)}]
    return problems


def matches(endpoint: dict, partner: dict, event: dict) -> bool:
    """Does this stream event (its data) go to this endpoint?"""
    program, village = event["program"], event["village_code"]
    if program not in partner["programs"] or not in_areas(village, partner.get("areas") or []):
        return False
    if endpoint.get("programs") and program not in endpoint["programs"]:
        return False
    if not in_areas(village, endpoint.get("areas") or []):
        return False
    short = short_type(event["event_type"])
    return any(pattern_matches(p, short) for p in endpoint["event_types"])
