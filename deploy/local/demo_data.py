"""A small, realistic demo data set: households in counties of Longnan, Gansu (621200),
named in the 2014 reports, and each program's activity for some of them. Loaded through the
services' own HTTP APIs, so demo data travels the same path as real work."""
from __future__ import annotations

import importlib
import random
import time

import requests

from shared.events.topics import PROGRAMS
from services.registry.domain.id_numbers import check_digit

COUNTIES = {"621202": "武都区", "621221": "成县", "621222": "文县", "621223": "宕昌县", "621224": "康县"}
TOWNSHIPS = ["城关镇", "汉王镇", "安化镇", "马街镇", "石门乡", "琵琶镇"]
VILLAGES = ["寺背村", "柳园村", "大庄村", "新联村", "东山村", "何家湾村", "马坪村", "草坪村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "玉梅", "明", "芳", "军", "海燕", "德福", "春花", "永胜"]
CAUSES = ["illness", "disability", "schooling", "disaster", "lack_of_land", "lack_of_water",
          "lack_of_skills", "lack_of_labour", "lack_of_funds", "poor_transport"]


def areas(rng: random.Random) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """Area rows for the registry (with registered populations) and (village code, township, village)."""
    rows = [{"code": "620000", "name": "甘肃省"}, {"code": "621200", "name": "陇南市"}]
    villages = []
    for county, county_name in COUNTIES.items():
        rows.append({"code": county, "name": county_name})
        for t, township in enumerate(rng.sample(TOWNSHIPS, 3)):
            township_code = f"{county}{100 + t}"
            rows.append({"code": township_code, "name": township})
            for v, village in enumerate(rng.sample(VILLAGES, 3)):
                code = f"{township_code}{201 + v}"
                rows.append({"code": code, "name": village, "population": rng.randint(150, 400)})
                villages.append((code, township, village))
    return rows, villages


def id_number(county: str, birth_year: int, rng: random.Random) -> str:
    first17 = f"{county}{birth_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + check_digit(first17)


def _household(rng: random.Random, villages) -> dict:
    village_code, township, village = rng.choice(villages)
    surname = rng.choice(SURNAMES)
    head_year = rng.randint(1950, 1985)
    members = [{"name": surname + rng.choice(GIVEN), "relation": "head", "sex": rng.choice(["male", "female"]),
                "birth_year": head_year, "id_number": id_number(village_code[:6], head_year, rng),
                "labour": rng.choice(["full", "full", "partial"])}]
    for _ in range(rng.randint(1, 4)):
        year = rng.randint(1940, 2015)
        members.append({"name": surname + rng.choice(GIVEN), "relation": rng.choice(["spouse", "child", "parent"]),
                        "sex": rng.choice(["male", "female"]), "birth_year": year,
                        "health": rng.choice(["healthy", "healthy", "healthy", "chronic_illness", "disabled"]),
                        "id_number": id_number(village_code[:6], year, rng)})
    ready = rng.random() < 0.3  # about a third already meet the exit criteria
    return {"village_code": village_code, "township": township, "village": village,
            "main_cause": rng.choice(CAUSES), "secondary_causes": rng.sample(CAUSES, 1),
            "income_per_capita_fen": rng.randint(4100, 6000) * 100 if ready else rng.randint(1200, 3900) * 100,
            "guarantees": {g: ready or rng.random() < 0.7 for g in
                           ("food", "clothing", "compulsory_education", "basic_medical", "safe_housing")},
            "cadre": {"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "phone": f"139{rng.randint(10**7, 10**8 - 1)}"},
            "members": members}


def load(urls: dict[str, str], token: str, households: int = 300, seed: int = 2014) -> dict:
    """Households in the registry, then each program's own demo (deploy/local/demo_<program>.py)
    for a sample of them, once that program has learnt of them from the households topic."""
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    area_rows, villages = areas(rng)
    session.put(f"{urls['registry']}/api/areas", json={"areas": area_rows}, timeout=30).raise_for_status()
    ids = []
    for i in range(households):
        r = session.post(f"{urls['registry']}/api/households", json=_household(rng, villages), timeout=10)
        r.raise_for_status()
        ids.append(r.json()["id"])
        if (i + 1) % 50 == 0:
            print(f"  households {i + 1}/{households}", flush=True)
    counts = {"households": len(ids)}
    for program in PROGRAMS:
        if program not in urls:
            continue
        try:
            module = importlib.import_module(f"deploy.local.demo_{program}")
        except ModuleNotFoundError:
            continue
        chosen = rng.sample(ids, k=len(ids) // 2)
        _wait_known(session, urls[program], chosen)
        counts[program] = module.load(urls[program], token, chosen, rng)
        print(f"  {program}: {counts[program]}", flush=True)
    if "webhooks" in urls:
        from deploy.local import demo_webhooks
        counts["webhooks"] = demo_webhooks.load(urls["webhooks"], token)
    return counts


def _wait_known(session, service_url: str, household_ids: list[str], timeout: float = 120) -> None:
    """A program learns of new files from the registry's households topic: wait for it."""
    deadline = time.monotonic() + timeout
    for household_id in household_ids:
        while session.get(f"{service_url}/api/households/{household_id}", timeout=10).status_code == 404:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{service_url} did not learn of household {household_id} in {timeout:.0f}s")
            time.sleep(0.5)
