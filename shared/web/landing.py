"""Where a person lands after logging in (and where the header's brand leads): the page of
their work. The offices that watch figures (central, provincial, county, auditors) open the
registry's dashboard, which opens on their own area (services/registry/dashboards.py
``default_area``); a village cadre opens the household files; a program operator its program."""
from __future__ import annotations

from shared.auth.roles import PROGRAM_OPERATOR, VILLAGE_CADRE, Principal


def landing_url(principal: Principal, service_urls: dict[str, str]) -> str:
    registry = service_urls["registry"]
    if principal.role == VILLAGE_CADRE:
        return f"{registry}/"
    if principal.role == PROGRAM_OPERATOR:
        return f"{service_urls[principal.program]}/"
    return f"{registry}/dashboard"
