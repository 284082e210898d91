"""The relocation report, summed in Python from cases and sites (the local store computes
only one $group accumulator): households and people relocated by site and month, each
site's occupancy, and the employment rate of relocated households ("one household, one job")."""
from __future__ import annotations

from services.relocation.domain.lifecycle import MOVED_IN, RECLAIMED, SUPPORTED
from services.relocation.domain.sites import occupancy

RELOCATED = (MOVED_IN, SUPPORTED, RECLAIMED)


def _rate(employed: int, relocated: int) -> float:
    return round(100 * employed / relocated, 1) if relocated else 0.0


def relocation_report(cases: list[dict], sites: list[dict], months: list[str]) -> dict:
    """``months``: the period, every month in it. Employment counts every relocated household
    in scope (whenever it moved in): the rate is of where things stand, not of the period."""
    start, end = (months[0], months[-1]) if months else ("", "")
    rows: dict = {}
    by_month = {m: {"month": m, "households": 0, "people": 0} for m in months}
    per_site = {s["_id"]: {"relocated": 0, "employed": 0} for s in sites}
    for case in cases:
        if case.get("stage") not in RELOCATED:
            continue
        site = per_site.setdefault(case.get("site_id"), {"relocated": 0, "employed": 0})
        site["relocated"] += 1
        site["employed"] += int(bool(case.get("employed")))
        month = case.get("moved_in_month") or ""
        if start <= month <= end:
            row = rows.setdefault((month, case["site_id"]), {"month": month, "site_id": case["site_id"],
                                                            "site_name": case.get("site_name", ""),
                                                            "households": 0, "people": 0})
            row["households"] += 1
            row["people"] += case["people"]
            by_month[month]["households"] += 1
            by_month[month]["people"] += case["people"]
    site_rows = []
    for s in sites:
        counts = per_site[s["_id"]]
        site_rows.append({"site_id": s["_id"], "name": s["name"], "kind": s["kind"], "village": s.get("village", ""),
                          "capacity_households": s["capacity_households"], "capacity_m2": s["capacity_m2"],
                          **occupancy(s), "relocated": counts["relocated"], "employed": counts["employed"],
                          "employment_rate": _rate(counts["employed"], counts["relocated"])})
    relocated = sum(1 for c in cases if c.get("stage") in RELOCATED)
    employed = sum(1 for c in cases if c.get("stage") in RELOCATED and c.get("employed"))
    period_rows = sorted(rows.values(), key=lambda r: (r["month"], r["site_name"]))
    return {"start": start, "end": end, "rows": period_rows, "months": list(by_month.values()), "sites": site_rows,
            "total": {"households": sum(r["households"] for r in period_rows),
                      "people": sum(r["people"] for r in period_rows),
                      "relocated": relocated, "employed": employed, "employment_rate": _rate(employed, relocated)}}
