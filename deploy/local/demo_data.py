"""A small, realistic demo data set: households in counties of Longnan, Gansu (621200),
named in the 2014 reports, and e-commerce sales for some of them. Loaded through the
services' own HTTP APIs, so demo data travels the same path as real work."""
from __future__ import annotations

import random
from datetime import date, timedelta

import requests

COUNTIES = {"621202": "武都区", "621221": "成县", "621222": "文县", "621223": "宕昌县", "621224": "康县"}
TOWNSHIPS = ["城关镇", "汉王镇", "安化镇", "马街镇", "石门乡", "琵琶镇"]
VILLAGES = ["寺背村", "柳园村", "大庄村", "新联村", "东山村", "何家湾村", "马坪村", "草坪村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "玉梅", "明", "芳", "军", "海燕", "德福", "春花", "永胜"]
CAUSES = ["illness", "disability", "schooling", "disaster", "lack_of_land", "lack_of_water",
          "lack_of_skills", "lack_of_labour", "lack_of_funds", "poor_transport"]
PRODUCTS = [("花椒", "kg", 6000), ("核桃", "kg", 3000), ("橄榄油", "L", 12000), ("土蜂蜜", "kg", 8000),
            ("香菇", "kg", 4000), ("茶叶", "kg", 20000)]


def _household(rng: random.Random) -> dict:
    county = rng.choice(list(COUNTIES))
    surname = rng.choice(SURNAMES)
    head = surname + rng.choice(GIVEN)
    members = [{"name": head, "relation": "head", "sex": rng.choice(["male", "female"]),
                "birth_year": rng.randint(1950, 1985)}]
    for _ in range(rng.randint(1, 4)):
        members.append({"name": surname + rng.choice(GIVEN), "relation": rng.choice(["spouse", "child", "parent"]),
                        "sex": rng.choice(["male", "female"]), "birth_year": rng.randint(1940, 2015)})
    return {"head_name": head, "county_code": county, "township": rng.choice(TOWNSHIPS),
            "village": rng.choice(VILLAGES), "main_cause": rng.choice(CAUSES),
            "income_per_capita_fen": rng.randint(1200, 2700) * 100, "members": members}


def load(registry_url: str, ecommerce_url: str, token: str, households: int = 120, seed: int = 2014) -> dict:
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    ids = []
    for i in range(households):
        r = session.post(f"{registry_url}/api/households", json=_household(rng), timeout=10)
        r.raise_for_status()
        ids.append(r.json()["id"])
        if (i + 1) % 20 == 0:
            print(f"  households {i + 1}/{households}", flush=True)
    sales = 0
    for household_id in rng.sample(ids, k=len(ids) // 2):
        for _ in range(rng.randint(1, 3)):
            product, unit, price = rng.choice(PRODUCTS)
            qty = rng.randint(1, 40)
            amount = qty * price
            channel = rng.choice(["own_store", "enterprise_purchase", "partner_platform"])
            income = amount if channel == "enterprise_purchase" else amount * rng.randint(60, 90) // 100
            r = session.post(f"{ecommerce_url}/api/sales", timeout=10, json={
                "household_id": household_id, "product": product, "quantity": qty, "unit": unit,
                "amount_fen": amount, "income_fen": income, "channel": channel,
                "sold_on": (date.today() - timedelta(days=rng.randint(0, 300))).isoformat()})
            r.raise_for_status()
            sales += 1
    print(f"  sales {sales}", flush=True)
    return {"households": len(ids), "sales": sales}
