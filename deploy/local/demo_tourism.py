"""Demo data for rural tourism (乡村旅游扶贫), loaded through the tourism service's HTTP API.

    load(service_url, token, household_ids, rng) -> counts

The households are already known to the service (from the registry's households topic).
Some are enrolled; some of those run a homestay or farm-stay with bookings by the season
since they opened (a few cancelled) and a yearly safety inspection, some members work in
scenic areas and are paid monthly, and each county's enrolled households form a village
tourism cooperative that pays a dividend after each quarter."""
from __future__ import annotations

import random
from datetime import date, timedelta

import requests

from deploy.local.demo_calendar import after, day_in, history_start, is_quarter_end, months_since, quarter_of

SCENIC_AREAS = ("官鹅沟国家森林公园", "万象洞景区", "阳坝生态旅游区", "云屏三峡景区", "五凤山景区")
POSITIONS = (("讲解员", 2800), ("保洁员", 2200), ("保安", 2400), ("检票员", 2300), ("餐饮服务员", 2500))
CHANNELS = ("walk_in", "online_platform", "travel_agency")
# Bookings a homestay takes in a month, 0 to 3, by calendar month: the Spring Festival, the
# summer holidays and the October Golden Week are the seasons; winter is quiet.
SEASON = {1: (6, 3, 1, 0), 2: (3, 4, 2, 1), 3: (7, 2, 1, 0), 4: (5, 4, 1, 0), 5: (3, 4, 2, 1), 6: (4, 4, 2, 0),
          7: (1, 3, 4, 2), 8: (1, 3, 4, 2), 9: (4, 4, 2, 0), 10: (1, 3, 4, 2), 11: (7, 2, 1, 0), 12: (8, 2, 0, 0)}


def _last_day(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:7])
    return (date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1))


class _Api:
    def __init__(self, service_url: str, token: str):
        self.url = service_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str) -> dict:
        r = self.session.get(self.url + path, timeout=10)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict, ok=(200, 201)) -> dict | None:
        r = self.session.post(self.url + path, json=body, timeout=20)
        if r.status_code not in ok:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text[:300]}")
        return r.json()


def load(service_url: str, token: str, household_ids: list[str], rng: random.Random,
         since: dict | None = None, today: date | None = None) -> dict:
    """``since``: the day each household was identified (default: the history's start)."""
    api, today = _Api(service_url, token), today or date.today()
    start, since = history_start(today), since or {}
    counts = dict.fromkeys(("enrolled", "homestays", "bookings", "cancellations", "jobs", "wages",
                            "cooperatives", "dividend_runs"), 0)
    chosen = rng.sample(household_ids, k=max(1, len(household_ids) * 2 // 5))
    heads, joined = {}, {}
    for hid in chosen:
        joined[hid] = after(since.get(hid, start), rng, 20, 120, today) or today
        r = api.session.post(f"{api.url}/api/enrolments", json={
            "household_id": hid, "note": "乡村旅游示范户", "enrolled_on": joined[hid].isoformat()}, timeout=10)
        if r.status_code == 409 and "already enrolled" not in r.text:
            continue   # e.g. a file removed meanwhile: not enrollable
        if r.status_code not in (201, 409):
            raise RuntimeError(f"enrol {hid}: {r.status_code} {r.text[:300]}")
        counts["enrolled"] += r.status_code == 201
        heads[hid] = api.get(f"/api/households/{hid}")
    enrolled = list(heads)

    for hid in rng.sample(enrolled, k=len(enrolled) // 2):
        _homestay(api, hid, heads[hid], joined[hid], today, rng, counts)
    for hid in rng.sample(enrolled, k=len(enrolled) // 3):
        _job(api, hid, heads[hid], joined[hid], today, rng, counts)
    by_county = {}
    for hid in enrolled:
        by_county.setdefault(hid[1:7], []).append(hid)
    for county, members in sorted(by_county.items()):
        _cooperative(api, county, members, heads, joined, today, rng, counts)
    return counts


def _homestay(api: _Api, hid: str, household: dict, opened: date, today: date, rng: random.Random,
              counts: dict) -> None:
    rooms = rng.randint(2, 6)
    kind = rng.choice(("homestay", "farm_stay"))
    name = f"{household['head_name']}家{'农家乐' if kind == 'farm_stay' else '民宿'}"
    homestay = api.post("/api/homestays", {
        "household_id": hid, "name": name, "kind": kind, "rooms": rooms, "beds": rooms * rng.randint(1, 2),
        "safety_inspected_on": opened.isoformat()})
    counts["homestays"] += 1
    for month in months_since(opened, today):
        if month[5:] == "04":   # the yearly inspection before the season
            inspected = day_in(month, rng, today, opened)
            if inspected:
                api.post(f"/api/homestays/{homestay['id']}/inspections", {
                    "inspected_on": inspected.isoformat(), "result": "passed", "note": "消防、燃气、食品卫生检查合格"})
        for _ in range(rng.choices(range(4), weights=SEASON[int(month[5:])])[0]):
            check_in = day_in(month, rng, today - timedelta(days=1), opened)
            if check_in is None:
                continue
            _booking(api, homestay, check_in, rng, counts)


def _booking(api: _Api, homestay: dict, check_in: date, rng: random.Random, counts: dict) -> None:
    nights = rng.choice((1, 1, 2, 2, 3, 5))
    guests = rng.randint(1, homestay["beds"])
    amount = guests * nights * rng.randint(60, 120) * 100
    booking = api.post("/api/bookings", {
        "homestay_id": homestay["id"], "guests": guests, "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=nights)).isoformat(), "channel": rng.choice(CHANNELS),
        "amount_fen": amount, "income_fen": amount * rng.randint(80, 100) // 100,
        "guest_name": rng.choice(("王先生", "李女士", "张先生一家", "兰州自驾游团", "陈女士"))})
    counts["bookings"] += 1
    if rng.random() < 0.1:
        api.post(f"/api/bookings/{booking['id']}/cancel", {
            "cancelled_on": check_in.isoformat(), "reason": rng.choice(("暴雨封路", "游客行程变更"))})
        counts["cancellations"] += 1


def _job(api: _Api, hid: str, household: dict, joined: date, today: date, rng: random.Random, counts: dict) -> None:
    position, wage_yuan = rng.choice(POSITIONS)
    started = after(joined, rng, 10, 200, today)
    if started is None:
        return
    job = api.post("/api/jobs", {
        "household_id": hid, "member_name": household["head_name"], "scenic_area": rng.choice(SCENIC_AREAS),
        "position": position, "started_on": started.isoformat(), "monthly_wage_fen": wage_yuan * 100})
    counts["jobs"] += 1
    for month in months_since(started, today):
        paid_on = _last_day(month) + timedelta(days=5)   # paid early in the next month
        if paid_on > today:
            break
        api.post(f"/api/jobs/{job['id']}/wages", {"month": month, "income_fen": wage_yuan * 100,
                                                  "paid_on": paid_on.isoformat()})
        counts["wages"] += 1


def _cooperative(api: _Api, county: str, members: list[str], heads: dict, joined: dict, today: date,
                 rng: random.Random, counts: dict) -> None:
    """A village tourism cooperative per county, its members joining as they enrolled, and
    a dividend after each quarter (分红), paid in the first weeks of the next."""
    village = heads[members[0]].get("village", "")
    founded = min(joined[hid] for hid in members)
    coop = api.post("/api/cooperatives", {"name": f"{village}乡村旅游专业合作社", "county_code": county,
                                          "village": village, "founded_on": founded.isoformat()})
    counts["cooperatives"] += 1
    waiting = sorted(members, key=lambda hid: joined[hid])
    paid = []
    for month in months_since(founded, today):
        while waiting and joined[waiting[0]] <= _last_day(month):
            hid = waiting.pop(0)
            api.post(f"/api/cooperatives/{coop['id']}/members", {
                "household_id": hid, "shares": rng.randint(1, 5), "joined_on": joined[hid].isoformat()})
            paid.append(hid)
        paid_on = _last_day(month) + timedelta(days=rng.randint(8, 20))
        if not is_quarter_end(month) or paid_on > today:
            continue   # a run pays those who were members when its quarter ended
        api.post(f"/api/cooperatives/{coop['id']}/dividend-runs", {
            "period": quarter_of(month), "amount_fen": len(paid) * rng.randint(240, 600) * 100,
            "paid_on": paid_on.isoformat()})
        counts["dividend_runs"] += 1
