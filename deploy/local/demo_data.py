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
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "玉梅", "明", "芳", "军", "海燕", "德福", "春花", "永胜"]
CAUSES = ["illness", "disability", "schooling", "disaster", "lack_of_land", "lack_of_water",
          "lack_of_skills", "lack_of_labour", "lack_of_funds", "poor_transport"]


def areas(rng: random.Random, official) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """Area rows for the registry (official codes and names, with registered populations) and
    (village code, township, village) to file households in: three townships of each county
    and three villages of each (villagers' committees, 村委会, not urban communities)."""
    names = official.names(["620000", "621200", *COUNTIES])
    rows = [{"code": code, "name": names[code]} for code in ("620000", "621200", *COUNTIES)]
    villages = []
    for county in COUNTIES:
        townships = [t for t in official.children(county) if t["_id"][6:] >= "100"]   # not a city's streets
        for township in rng.sample(townships, 3):
            rows.append({"code": township["_id"], "name": township["name"]})
            committees = [v for v in official.children(township["_id"]) if v["_id"][9:] >= "200"]
            for village in rng.sample(committees, min(3, len(committees))):
                rows.append({"code": village["_id"], "name": village["name"], "population": rng.randint(150, 400)})
                villages.append((village["_id"], township["name"], village["name"].removesuffix("委会")))
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


def load(urls: dict[str, str], token: str, official, households: int = 300, seed: int = 2014) -> dict:
    """Households in the registry, then each program's own demo (deploy/local/demo_<program>.py)
    for a sample of them, once that program has learnt of them from the households topic."""
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    area_rows, villages = areas(rng, official)
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
