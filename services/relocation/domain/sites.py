"""Resettlement sites (安置点): where relocated households get their new homes, and how full
they are. A site's capacity is in households and in m² of housing; both are enforced when
housing is allocated."""
from __future__ import annotations

import uuid

from shared.programs.refused import Refused


def new_site_id() -> str:
    return "S" + uuid.uuid4().hex[:10].upper()


def occupancy(site: dict) -> dict:
    """Households and m² allocated at the site, against its capacity, in percent."""
    households = site.get("households_allocated", 0)
    m2 = site.get("m2_allocated", 0)
    return {"households": households, "m2": m2,
            "households_percent": round(100 * households / site["capacity_households"], 1),
            "m2_percent": round(100 * m2 / site["capacity_m2"], 1)}


def check_room(site: dict, area_m2: int) -> None:
    """Refused when one more household of ``area_m2`` does not fit the site."""
    if site.get("households_allocated", 0) + 1 > site["capacity_households"]:
        raise Refused(f"{site['name']} is full: {site['capacity_households']} households allocated already",
                      "site_id")
    free = site["capacity_m2"] - site.get("m2_allocated", 0)
    if area_m2 > free:
        raise Refused(f"{site['name']} has {free} m² of housing left, not {area_m2}", "area_m2")


def check_capacity_edit(site: dict, capacity_households: int, capacity_m2: int) -> None:
    """A site cannot shrink below what it has already allocated."""
    if capacity_households < site.get("households_allocated", 0):
        raise Refused(f"{site.get('households_allocated', 0)} households are already allocated",
                      "capacity_households", 422)
    if capacity_m2 < site.get("m2_allocated", 0):
        raise Refused(f"{site.get('m2_allocated', 0)} m² are already allocated", "capacity_m2", 422)
