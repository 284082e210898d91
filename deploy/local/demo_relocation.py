"""Demo data of the relocation program (易地扶贫搬迁), loaded through its HTTP API: a
centralized resettlement site in each county (and a dispersed one in some), and households
at every stage of their case, each step months after the one before over the last two
years — enrolled, housing allocated, moved in (their registry files move to the site's
village), employment and training arranged, old houses demolished and land reclaimed —
with the subsidies of each step."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

import requests

from deploy.local.demo_calendar import after, history_start

EMPLOYERS = (("扶贫车间", "缝纫工"), ("安置点物业", "保洁员"), ("县城建筑公司", "钢筋工"), ("农业产业园", "采摘工"),
             ("电商服务站", "客服"), ("劳务输出（福建）", "电子厂普工"))
COURSES = (("电焊工", 15), ("家政服务", 10), ("挖掘机操作", 20), ("电商运营", 7), ("中式烹调", 12))


def load(service_url: str, token: str, household_ids: list[str], rng: random.Random,
         since: dict | None = None, today: date | None = None) -> dict:
    """``since``: the day each household was identified (default: the history's start)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(method: str, path: str, body: dict | None = None, ok=(200, 201)) -> dict:
        r = session.request(method, service_url + path, json=body, timeout=30)
        if r.status_code not in ok:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    today = today or date.today()
    start, since = history_start(today), since or {}
    counts = defaultdict(int)
    chosen = rng.sample(household_ids, k=max(1, len(household_ids) // 4))
    files = {hid: call("GET", f"/api/households/{hid}") for hid in chosen}
    by_county, enrolled = defaultdict(list), {}
    for hid in chosen:
        enrolled[hid] = after(since.get(hid, start), rng, 20, 90, today) or today
        r = call("POST", "/api/enrolments", {"household_id": hid, "enrolled_on": enrolled[hid].isoformat()},
                 ok=(201, 409))
        if r.get("status") == "enrolled":
            counts["enrolled"] += 1
        by_county[files[hid]["county_code"]].append(hid)

    for county, members in sorted(by_county.items()):
        # The site is in the county town's village of the first household's township list.
        host = files[members[0]]
        sites = [call("POST", "/api/sites", {
            "name": f"{host['township']}易地扶贫搬迁集中安置点", "kind": "centralized", "village_code": host["village_code"],
            "township": host["township"], "village": host["village"],
            "capacity_households": len(members) + 20, "capacity_m2": (len(members) + 20) * 90})]
        if len(members) > 4:
            other = files[members[-1]]
            sites.append(call("POST", "/api/sites", {
                "name": f"{other['village']}分散安置点", "kind": "dispersed", "village_code": other["village_code"],
                "township": other["township"], "village": other["village"], "capacity_households": 6,
                "capacity_m2": 500}))
        counts["sites"] += len(sites)
        for hid in members:
            _relocate(call, hid, files[hid], rng.choice(sites), enrolled[hid], rng, today, counts)
    return dict(counts)


def _relocate(call, hid: str, file: dict, site: dict, enrolled: date, rng: random.Random, today: date,
              counts) -> None:
    """A case as far as today takes it: housing allocated months after enrolment, moving in
    months later (the flat is finished and fitted), training and a job arranged after,
    the old house demolished and its land reclaimed last. A case in four stops early (the
    household waits for a larger flat, a job is still being found)."""
    case = call("POST", "/api/cases", {"household_id": hid}, ok=(201, 409))
    if "id" not in case:
        return
    counts["cases"] += 1
    stalls_after = rng.choices(range(5), weights=(1, 1, 1, 1, 12))[0]
    people = case["people"]
    allocated = after(enrolled, rng, 30, 240, today)
    if stalls_after == 0 or allocated is None:
        return
    area = min(25 * people, rng.choice((25, 50, 75, 100, 125)))
    step = f"/api/cases/{case['id']}"
    r = call("POST", f"{step}/housing", {"site_id": site["id"], "unit": f"{rng.randint(1, 12)}-{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                                         "area_m2": area, "self_paid_fen": rng.choice((0, 2500, 5000, 10000)) * 100,
                                         "allocated_on": allocated.isoformat()}, ok=(200, 409))
    if "stage" not in r:
        return  # the site is full
    counts["housing_allocated"] += 1
    call("POST", f"{step}/subsidies", {"kind": "housing", "amount_fen": 20_000_00 * people, "paid_on": allocated.isoformat()})
    moved = after(allocated, rng, 60, 180, today)
    if stalls_after == 1 or moved is None:
        return
    call("POST", f"{step}/move-in", {"moved_in_on": moved.isoformat()})
    call("POST", f"{step}/subsidies", {"kind": "moving", "amount_fen": 1_500_00 * people, "paid_on": moved.isoformat()})
    counts["moved_in"] += 1
    if rng.random() < 0.6:
        course, days = rng.choice(COURSES)
        completed = after(moved, rng, 20 + days, 60 + days, today)
        if completed:
            call("POST", f"{step}/training", {"member_name": file["head_name"], "course": course, "days": days,
                                              "completed_on": completed.isoformat()})
            counts["training"] += 1
    started = after(moved, rng, 10, 120, today)
    if stalls_after == 2 or started is None:
        return
    employer, job = rng.choice(EMPLOYERS)
    call("POST", f"{step}/employment", {"member_name": file["head_name"], "employer": employer, "job": job,
                                        "started_on": started.isoformat(),
                                        "monthly_wage_fen": rng.choice((1800, 2200, 2600, 3200)) * 100})
    call("POST", f"{step}/subsidies", {"kind": "follow_up", "amount_fen": 3_000_00, "paid_on": started.isoformat()})
    counts["employed"] += 1
    demolished = after(max(moved, started), rng, 60, 200, today)
    if stalls_after == 3 or demolished is None:
        return
    reclaimed = after(demolished, rng, 20, 60, today) or today
    call("POST", f"{step}/reclamation", {"demolished_on": demolished.isoformat(), "reclaimed_on": reclaimed.isoformat(),
                                         "land_m2": rng.randint(120, 400)})
    call("POST", f"{step}/subsidies", {"kind": "reclamation", "amount_fen": 5_000_00, "paid_on": reclaimed.isoformat()})
    counts["reclaimed"] += 1
