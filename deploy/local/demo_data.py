"""A small, realistic demo data set: households in counties of Longnan, Gansu (621200),
named in the 2014 reports, and two years of each program's activity for some of them.
Loaded through the services' own HTTP APIs, so demo data travels the same path as real
work: as paper records typed in later, each with the day it happened."""
from __future__ import annotations

import importlib
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import requests

from deploy.local import demo_calendar
from shared.events.topics import PROGRAMS
from services.registry.domain.id_numbers import check_digit

COUNTIES = {"621202": "武都区", "621221": "成县", "621222": "文县", "621223": "宕昌县", "621224": "康县"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "玉梅", "明", "芳", "军", "海燕", "德福", "春花", "永胜"]
# Who takes each step and why, in the demo (the central office's loader gives a reason, as
# the separation of duties asks of it).
EXIT_REASONS = {"propose_exit": "村民代表大会民主评议，人均纯收入超过当年贫困线，两不愁三保障均已实现",
                "township_check": "乡镇入户核查，收入与保障情况属实",
                "county_approve": "县扶贫开发领导小组审定，同意退出",
                "finish_notice": "公示期满，无异议"}
RETURN_REASONS = ("家庭成员患重病，医疗支出大，收入骤减", "遭受洪涝灾害，房屋与耕地受损", "务工收入中断，家庭收入低于贫困线")
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


def load(urls: dict[str, str], token: str, official, households: int = 300, seed: int = 2014,
         today: date | None = None) -> dict:
    """Households in the registry, identified over two years (deploy/local/demo_calendar.py),
    then each program's own demo (deploy/local/demo_<program>.py) for a sample of them, once
    that program has learnt of them from the households topic, the programs side by side;
    last, the exits at each year end and a few returns to poverty. Every record carries the
    day it happened, and its event that day (docs/decisions.md)."""
    today = today or date.today()
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    registry = urls["registry"]
    area_rows, villages = areas(rng, official)
    session.put(f"{registry}/api/areas", json={"areas": area_rows}, timeout=30).raise_for_status()
    since, ready = {}, []   # in the order filed: the ids are the registry's, the rest the seed's
    for i in range(households):
        body = _household(rng, villages)
        identified = demo_calendar.identified_on(rng, today)
        r = session.post(f"{registry}/api/households", json={**body, "identified_on": identified.isoformat()},
                         timeout=10)
        r.raise_for_status()
        since[r.json()["id"]] = identified
        if _meets_criteria(body):
            ready.append(r.json()["id"])
        if (i + 1) % 50 == 0:
            print(f"  households {i + 1}/{households}", flush=True)
    ids = list(since)
    counts = {"households": len(ids), "assisted": 0}
    for hid in ids:
        started = demo_calendar.assistance_starts(since[hid], rng, today)
        if started:
            _step(session, registry, hid, "start_assistance", started, "制定帮扶计划，落实帮扶措施")
            counts["assisted"] += 1
    counts.update(_programs(urls, token, ids, since, seed, today))
    exits = _exits(session, registry, ready, since, rng, today)
    print(f"  registry: {dict(households=len(ids), assisted=counts['assisted'], **exits)}", flush=True)
    counts.update(exits)
    if "webhooks" in urls:
        from deploy.local import demo_webhooks
        counts["webhooks"] = demo_webhooks.load(urls["webhooks"], token)
    return counts


def _meets_criteria(body: dict) -> bool:
    """Income above the line of recent years (4,000 yuan) and every guarantee: may exit."""
    return body["income_per_capita_fen"] > 4000_00 and all(body["guarantees"].values())


def _programs(urls: dict, token: str, ids: list[str], since: dict, seed: int, today: date) -> dict:
    """Each program's demo in a thread of its own (they are separate services), with a
    random source of its own so the data is the same whatever the threads' timing."""
    loaders = {}
    for program in PROGRAMS:
        if program not in urls:
            continue
        try:
            loaders[program] = importlib.import_module(f"deploy.local.demo_{program}")
        except ModuleNotFoundError:
            continue

    def run(program: str) -> dict:
        rng = random.Random(f"{seed}:{program}")
        chosen = rng.sample(ids, k=len(ids) // 2)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        _wait_known(session, urls[program], chosen)
        result = loaders[program].load(urls[program], token, chosen, rng, since=since, today=today)
        print(f"  {program}: {result}", flush=True)
        return result

    with ThreadPoolExecutor(max_workers=len(loaders) or 1) as pool:
        futures = {program: pool.submit(run, program) for program in loaders}
        return {program: future.result() for program, future in futures.items()}


def _exits(session, registry: str, ready: list[str], since: dict, rng: random.Random, today: date) -> dict:
    """The households that meet the criteria exit at a year end (some still in the public
    notice today); a few of those exited fall back the next year."""
    counts = {"exit_steps": 0, "exited": 0, "returned": 0}
    for hid in ready:
        if rng.random() < 0.15:
            continue   # not proposed yet: the village waits another year
        steps = demo_calendar.exit_steps(since[hid], rng, today)
        for step, day in steps:
            _step(session, registry, hid, step, day, EXIT_REASONS[step])
            counts["exit_steps"] += 1
        if steps and steps[-1][0] == "finish_notice":
            counts["exited"] += 1
            fell_back = demo_calendar.return_to_poverty(steps[-1][1], rng, today)
            if fell_back and rng.random() < 0.12:
                _step(session, registry, hid, "return_to_poverty", fell_back, rng.choice(RETURN_REASONS))
                counts["returned"] += 1
    return counts


def _step(session, registry: str, household_id: str, step: str, day: date, reason: str) -> None:
    r = session.post(f"{registry}/api/households/{household_id}/exit-steps",
                     json={"step": step, "on": day.isoformat(), "reason": reason}, timeout=10)
    if r.status_code != 200:
        raise RuntimeError(f"{step} of {household_id} on {day}: {r.status_code} {r.text[:300]}")


def _wait_known(session, service_url: str, household_ids: list[str], timeout: float = 120) -> None:
    """A program learns of new files from the registry's households topic: wait for it."""
    deadline = time.monotonic() + timeout
    for household_id in household_ids:
        while session.get(f"{service_url}/api/households/{household_id}", timeout=10).status_code == 404:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{service_url} did not learn of household {household_id} in {timeout:.0f}s")
            time.sleep(0.5)


def file_villages(registry: str, token: str) -> None:
    """Three of Wudu's villages filed as poor villages, a task force stationed in the first two,
    a cadre assigned to five households of the first (the rest show as gaps on /coverage)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def post(path: str, body: dict) -> dict:
        r = session.post(registry + path, json=body, timeout=30)
        r.raise_for_status()
        return r.json()
    files = session.get(f"{registry}/api/households?area=621202&per_page=200", timeout=30).json()["items"]
    villages = sorted({h["village_code"] for h in files})[:3]
    for n, code in enumerate(villages):
        post("/api/villages", {"village_code": code, "designation": {
            "year": 2014, "poverty_incidence": 0.2 + n / 20, "collective_income_fen": 0,
            "gaps": {"road": n != 1, "drinking_water": True, "broadband": True}}})
    tf = post("/api/task-forces", {"county_code": "621202", "sending_unit": "陇南市农业农村局", "first_secretary": {
        "name": "李志强", "unit": "陇南市农业农村局", "phone": "13909390001"},
        "members": [{"name": "王海燕", "unit": "武都区教育局"}, {"name": "马文斌", "unit": "武都区卫健局"}]})
    for code in villages[:2]:
        post(f"/api/task-forces/{tf['id']}/stationings", {"village_code": code, "from": "2015-03-01"})
    for h in [h for h in files if h["village_code"] == villages[0]][:5]:
        post(f"/api/households/{h['id']}/cadre", {"name": "张建军", "unit": "武都区农业农村局", "reason": "结对帮扶"})
