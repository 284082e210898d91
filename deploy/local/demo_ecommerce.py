"""E-commerce demo data (电商扶贫), loaded through the service's own HTTP API: enrolments,
service stations in the households' villages, households' own online stores and a
cooperative store per county that commits to buy from some of them, sales every month since
each household began selling (own store, partner platforms, cooperative purchases) with the
seasons of its products, a few refunds, and training sessions every half year with their
attendance."""
from __future__ import annotations

import random
from datetime import date, timedelta

import requests

from deploy.local.demo_calendar import after, day_in, history_months, history_start, months_since

# Longnan's farm products (product, unit, price in fen a unit).
PRODUCTS = [("花椒", "kg", 6000), ("核桃", "kg", 3000), ("橄榄油", "L", 12000), ("土蜂蜜", "kg", 8000),
            ("香菇", "kg", 4000), ("茶叶", "kg", 20000), ("木耳", "kg", 9000), ("土鸡蛋", "盒", 4500)]
PLATFORMS = ["taobao", "jd", "pinduoduo", "wechat", "douyin"]
TOPICS = ["网店开设与运营", "产品拍照与详情页", "直播带货入门", "快递打包与物流", "客服与售后", "农产品品牌与包装"]
TRAINERS = ["张丽", "陈志远", "马晓燕", "赵国庆"]
KEEPERS = ["李建军", "王小红", "杨海燕", "刘永胜", "何春花", "周德福"]
REFUND_REASONS = ["一件破损", "买家退货", "品质不符", "物流丢件"]
# Sales a selling household makes in a month, 0 to 2, by calendar month: the spring is
# quiet, the harvest (花椒 in summer, walnuts and apples in autumn) and November's shopping
# festival busy.
SEASON = {1: (5, 4, 1), 2: (7, 3, 0), 3: (8, 2, 0), 4: (8, 2, 0), 5: (7, 3, 0), 6: (5, 4, 1), 7: (4, 4, 2),
          8: (3, 4, 3), 9: (3, 4, 3), 10: (3, 4, 3), 11: (2, 4, 4), 12: (4, 4, 2)}


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
        r = self.session.post(self.url + path, json=body, timeout=10)
        if r.status_code not in ok:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text[:300]}")
        return r.json()


def _sale(household_id: str, rng: random.Random, sold_on: date, channel: str, share: float, **extra) -> dict:
    product, unit, price = rng.choice(PRODUCTS)
    quantity = rng.randint(2, 30)
    amount = quantity * price
    return {"household_id": household_id, "product": product, "quantity": quantity, "unit": unit,
            "amount_fen": amount, "income_fen": int(amount * share), "channel": channel,
            "sold_on": sold_on.isoformat(), **extra}


def load(service_url: str, token: str, household_ids: list[str], rng: random.Random,
         since: dict | None = None, today: date | None = None) -> dict:
    """``since``: the day each household was identified (default: the history's start)."""
    api = _Api(service_url, token)
    today = today or date.today()
    start, since = history_start(today), since or {}
    counts = dict.fromkeys(("enrolled", "stations", "stores", "sales", "refunds", "trainings", "attendances"), 0)

    # Most of the households given take part, from weeks after they were identified.
    files, joined = {}, {}
    for household_id in household_ids:
        if rng.random() < 0.85:
            joined[household_id] = after(since.get(household_id, start), rng, 15, 90, today) or today
            api.post("/api/enrolments", {"household_id": household_id, "note": "电商扶贫示范户",
                                         "enrolled_on": joined[household_id].isoformat()}, ok=(201, 409))
            files[household_id] = api.get(f"/api/households/{household_id}")
            counts["enrolled"] += 1
    by_county: dict[str, list[str]] = {}
    for household_id, file in files.items():
        by_county.setdefault(file["county_code"], []).append(household_id)

    # A service station in a few of their villages, opened in the history's first months.
    stations: dict[str, str] = {}   # village code → station id
    for village_code, file in sorted({f["village_code"]: f for f in files.values()}.items())[:12]:
        station = api.post("/api/stations", {
            "name": f"{file['village']}电商服务站", "village_code": village_code, "township": file["township"],
            "village": file["village"], "keeper": rng.choice(KEEPERS), "phone": f"138{rng.randint(10**7, 10**8 - 1)}",
            "opened_on": (start + timedelta(days=rng.randint(0, 120))).isoformat()})
        stations[village_code] = station["id"]
        counts["stations"] += 1

    # A third open their own store; a cooperative per county buys from a few others.
    own_stores, opened = {}, {}
    # Drawn in the order given, not by id: the ids are the registry's, the draws the seed's.
    for household_id in rng.sample(list(files), k=len(files) // 3):
        opened[household_id] = after(joined[household_id], rng, 10, 150, today) or today
        store = api.post("/api/stores", {
            "kind": "household", "household_id": household_id, "platform": rng.choice(PLATFORMS),
            "name": f"{files[household_id]['head_name']}家的{rng.choice(PRODUCTS)[0]}小店",
            "opened_on": opened[household_id].isoformat()})
        own_stores[household_id] = store["id"]
        counts["stores"] += 1
    committed = {}
    for county, members in sorted(by_county.items()):
        chosen = rng.sample([h for h in members if h not in own_stores], k=min(5, len([
            h for h in members if h not in own_stores])))
        if not chosen:
            continue
        store_opened = start + timedelta(days=rng.randint(30, 150))
        store = api.post("/api/stores", {
            "kind": "cooperative", "name": f"{files[chosen[0]]['village']}农产品专业合作社旗舰店",
            "owner_name": f"{files[chosen[0]]['township']}农民专业合作社", "county_code": county,
            "platform": rng.choice(PLATFORMS), "committed_households": chosen,
            "opened_on": store_opened.isoformat()})
        counts["stores"] += 1
        for household_id in chosen:
            committed[household_id] = store["id"]
            opened[household_id] = max(store_opened, joined[household_id])

    # Every month since each household began selling; the harvest and the November
    # shopping festival sell more (SEASON).
    sales = []
    for household_id, file in files.items():
        for month in months_since(opened.get(household_id, joined[household_id]), today):
            for _ in range(rng.choices((0, 1, 2), weights=SEASON[int(month[5:])])[0]):
                sold_on = day_in(month, rng, today, opened.get(household_id, joined[household_id]))
                if sold_on is None:
                    continue
                station = stations.get(file["village_code"]) if rng.random() < 0.4 else None
                extra = {"station_id": station} if station else {}
                if household_id in own_stores:
                    sale = _sale(household_id, rng, sold_on, "own_store", rng.uniform(0.8, 0.95),
                                 store_id=own_stores[household_id], **extra)
                elif household_id in committed:
                    sale = _sale(household_id, rng, sold_on, "enterprise_purchase", 1.0,
                                 store_id=committed[household_id], **extra)
                elif rng.random() < 0.35:
                    platform = rng.choice(PLATFORMS)
                    sale = _sale(household_id, rng, sold_on, "partner_platform", rng.uniform(0.7, 0.9),
                                 partner=platform, partner_ref=f"{platform.upper()}-{rng.randint(10**8, 10**9)}", **extra)
                else:
                    continue
                sales.append(api.post("/api/sales", sale))
    counts["sales"] = len(sales)

    # A few refunds: part of a sale, or all of it.
    for sale in rng.sample(sales, k=max(1, len(sales) // 25)) if sales else []:
        amount = sale["amount_fen"] if rng.random() < 0.3 else max(1, sale["amount_fen"] // rng.randint(3, 6))
        refunded_on = min(today, date.fromisoformat(sale["sold_on"]) + timedelta(days=rng.randint(1, 10)))
        api.post(f"/api/sales/{sale['id']}/refunds", {"amount_fen": amount, "reason": rng.choice(REFUND_REASONS),
                                                      "refunded_on": refunded_on.isoformat()})
        counts["refunds"] += 1

    # Training sessions in a village of each county every half year, attended by households
    # of that county already enrolled.
    for county, members in sorted(by_county.items()):
        for month in history_months(today)[1::6]:
            held_on = day_in(month, rng, today)
            present = [h for h in members if held_on and joined[h] <= held_on]
            if not present:
                continue
            village = files[rng.choice(present)]
            session = api.post("/api/trainings", {
                "held_on": held_on.isoformat(), "village_code": village["village_code"], "village": village["village"],
                "trainer": rng.choice(TRAINERS), "topic": rng.choice(TOPICS)})
            counts["trainings"] += 1
            for household_id in rng.sample(present, k=min(len(present), rng.randint(3, 8))):
                head = files[household_id]["head_name"]
                names = [head] + ([head[0] + rng.choice(["小军", "春燕", "志刚", "海霞"])] if rng.random() < 0.4 else [])
                api.post(f"/api/trainings/{session['id']}/attendance", {"household_id": household_id, "members": names})
                counts["attendances"] += 1
    return counts
