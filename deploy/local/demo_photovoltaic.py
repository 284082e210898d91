"""Demo data of the photovoltaic program (光伏扶贫), loaded through its HTTP API: village
stations where enrolled households hold shares, a few public-welfare posts, rooftop systems,
two years of monthly generation reports, the posts' wages paid monthly and the members'
dividends quarterly, and a couple of faults."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import requests

from deploy.local.demo_calendar import after, history_months, history_start, is_quarter_end
from shared.months import first_day

# kWh per kW per month in southern Gansu, by calendar month (winter low, summer high).
YIELD = {1: 85, 2: 95, 3: 115, 4: 125, 5: 135, 6: 130, 7: 135, 8: 130, 9: 110, 10: 100, 11: 85, 12: 80}
STATION_TARIFF = 75.0     # fen per kWh: benchmark price plus the poverty-alleviation subsidy
ROOFTOP_TARIFF = 72.78
POSTS = ("光伏板保洁员", "电站看护员", "护林员", "村道保洁员")


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
    files = {hid: call("GET", f"/api/households/{hid}") for hid in household_ids}
    # The stations were built for the households of the first identification campaign.
    early = [hid for hid in household_ids if since.get(hid, start) < start + timedelta(days=90)]
    enrolled, joined = [], {}
    for hid in early:
        if rng.random() >= 0.7:
            continue
        joined[hid] = after(since.get(hid, start), rng, 10, 40, today) or today
        r = call("POST", "/api/enrolments", {"household_id": hid, "enrolled_on": joined[hid].isoformat()}, ok=(201, 409))
        counts["enrolled"] += r.get("status") == "enrolled"
        enrolled.append(hid)
    by_village = defaultdict(list)
    for hid in enrolled:
        by_village[files[hid]["village_code"]].append(hid)

    # Connected to the grid as the history begins, before the households joined.
    commissioned = start + timedelta(days=rng.randint(0, 8))
    months = history_months(today)[:-1]    # every month reported, the current one not yet over
    stations, rooftops = [], []
    for village_code, members in sorted(by_village.items()):
        if len(members) < 2:
            continue
        head = files[members[0]]
        station = call("POST", "/api/installations", {
            "kind": "station", "name": f"{head['village']}光伏电站", "capacity_kw": rng.choice([60, 100, 150, 200, 300]),
            "commissioned_on": commissioned.isoformat(), "village_code": village_code})
        for hid in members:
            call("POST", f"/api/installations/{station['id']}/members", {
                "household_id": hid, "shares": rng.randint(1, 5), "joined_on": joined[hid].isoformat()})
            counts["members"] += 1
        for hid in rng.sample(members, k=min(2, len(members))):
            call("POST", f"/api/installations/{station['id']}/posts", {
                "household_id": hid, "member_name": files[hid]["head_name"], "post": rng.choice(POSTS),
                "monthly_wage_fen": rng.choice([30000, 40000, 50000]), "since": first_day(months[0]).isoformat()})
            counts["posts"] += 1
        stations.append(station)
    for hid in rng.sample(enrolled, k=len(enrolled) // 6):
        rooftops.append(call("POST", "/api/installations", {
            "kind": "rooftop", "name": f"{files[hid]['head_name']}户屋顶光伏", "capacity_kw": rng.choice([3, 5, 6, 8]),
            "commissioned_on": commissioned.isoformat(), "village_code": files[hid]["village_code"], "household_id": hid}))
    counts["stations"], counts["rooftops"] = len(stations), len(rooftops)

    for month in months:
        sun = YIELD[int(month[5:])]
        for installation in stations + rooftops:
            kwh = int(installation["capacity_kw"] * sun * rng.uniform(0.85, 1.05))
            call("POST", "/api/reports", {
                "installation_id": installation["id"], "month": month, "kwh": kwh,
                "tariff_fen_per_kwh": STATION_TARIFF if installation["kind"] == "station" else ROOFTOP_TARIFF,
                "source": rng.choice(["power_company", "power_company", "operator"])})
            counts["reports"] += 1
        for station in stations:
            # The posts' wages (公益岗位) from the station's month; its members' dividends
            # from the last month of each quarter.
            mode = "dividends" if is_quarter_end(month) else "wages"
            call("POST", "/api/distributions", {"installation_id": station["id"], "month": month, "mode": mode})
            counts[f"distributions_{mode}"] += 1

    # Two outages: a short one, and one long enough to raise the risk signal when restored.
    for station, days in zip(rng.sample(stations, k=min(2, len(stations))), (6, 34)):
        down_since = today - timedelta(days=days + rng.randint(10, 40))
        fault = call("POST", "/api/faults", {"installation_id": station["id"], "down_since": down_since.isoformat(),
                                             "cause": rng.choice(["inverter", "grid_outage", "line_fault"])})
        call("POST", f"/api/faults/{fault['id']}/restore", {"restored_on": (down_since + timedelta(days=days)).isoformat()})
        counts["faults"] += 1
    return dict(counts)
