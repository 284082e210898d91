"""Demo data of the relocation program (易地扶贫搬迁), loaded through its HTTP API: a
centralized resettlement site in each county (and a dispersed one in some), and households
at every stage of their case — enrolled, housing allocated, moved in over the last year
(their registry files move to the site's village), employment and training arranged, old
houses demolished and land reclaimed — with the subsidies of each step."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import requests

EMPLOYERS = (("扶贫车间", "缝纫工"), ("安置点物业", "保洁员"), ("县城建筑公司", "钢筋工"), ("农业产业园", "采摘工"),
             ("电商服务站", "客服"), ("劳务输出（福建）", "电子厂普工"))
COURSES = (("电焊工", 15), ("家政服务", 10), ("挖掘机操作", 20), ("电商运营", 7), ("中式烹调", 12))


def load(service_url: str, token: str, household_ids: list[str], rng: random.Random) -> dict:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(method: str, path: str, body: dict | None = None, ok=(200, 201)) -> dict:
        r = session.request(method, service_url + path, json=body, timeout=30)
        if r.status_code not in ok:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    counts = defaultdict(int)
    chosen = rng.sample(household_ids, k=max(1, len(household_ids) // 4))
    files = {hid: call("GET", f"/api/households/{hid}") for hid in chosen}
    by_county = defaultdict(list)
    for hid in chosen:
        if call("POST", "/api/enrolments", {"household_id": hid}, ok=(201, 409)).get("status") == "enrolled":
            counts["enrolled"] += 1
        by_county[files[hid]["county_code"]].append(hid)

    today = date.today()
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
            _relocate(call, hid, files[hid], rng.choice(sites), rng, today, counts)
    return dict(counts)


def _relocate(call, hid: str, file: dict, site: dict, rng: random.Random, today: date, counts) -> None:
    case = call("POST", "/api/cases", {"household_id": hid}, ok=(201, 409))
    if "id" not in case:
        return
    counts["cases"] += 1
    depth = rng.choices(range(5), weights=(1, 1, 2, 3, 3))[0]   # how far along its case is
    if depth == 0:
        return
    people = case["people"]
    allocated = today - timedelta(days=rng.randint(200, 420))
    area = min(25 * people, rng.choice((25, 50, 75, 100, 125)))
    step = f"/api/cases/{case['id']}"
    r = call("POST", f"{step}/housing", {"site_id": site["id"], "unit": f"{rng.randint(1, 12)}-{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                                         "area_m2": area, "self_paid_fen": rng.choice((0, 2500, 5000, 10000)) * 100,
                                         "allocated_on": allocated.isoformat()}, ok=(200, 409))
    if "stage" not in r:
        return  # the site is full
    counts["housing_allocated"] += 1
    call("POST", f"{step}/subsidies", {"kind": "housing", "amount_fen": 20_000_00 * people, "paid_on": allocated.isoformat()})
    if depth == 1:
        return
    moved = allocated + timedelta(days=rng.randint(30, 150))
    call("POST", f"{step}/move-in", {"moved_in_on": moved.isoformat()})
    call("POST", f"{step}/subsidies", {"kind": "moving", "amount_fen": 1_500_00 * people, "paid_on": moved.isoformat()})
    counts["moved_in"] += 1
    if rng.random() < 0.6:
        course, days = rng.choice(COURSES)
        call("POST", f"{step}/training", {"member_name": file["head_name"], "course": course, "days": days,
                                          "completed_on": min(today, moved + timedelta(days=30 + days)).isoformat()})
        counts["training"] += 1
    if depth == 2:
        return
    employer, job = rng.choice(EMPLOYERS)
    started = min(today, moved + timedelta(days=rng.randint(10, 120)))
    call("POST", f"{step}/employment", {"member_name": file["head_name"], "employer": employer, "job": job,
                                        "started_on": started.isoformat(),
                                        "monthly_wage_fen": rng.choice((1800, 2200, 2600, 3200)) * 100})
    call("POST", f"{step}/subsidies", {"kind": "follow_up", "amount_fen": 3_000_00, "paid_on": started.isoformat()})
    counts["employed"] += 1
    if depth == 3:
        return
    demolished = min(today, moved + timedelta(days=rng.randint(60, 180)))
    call("POST", f"{step}/reclamation", {"demolished_on": demolished.isoformat(),
                                         "reclaimed_on": min(today, demolished + timedelta(days=30)).isoformat(),
                                         "land_m2": rng.randint(120, 400)})
    call("POST", f"{step}/subsidies", {"kind": "reclamation", "amount_fen": 5_000_00, "paid_on": today.isoformat()})
    counts["reclaimed"] += 1
