"""Poor villages (贫困村), task forces (驻村工作队), assistance cadres (帮扶责任人) and the
coverage figures, through the registry's API on the real store and broker: created, scoped
like the household files, refused with 422 naming the field for codes the official edition
lacks, published through the outbox, and counted — with the gaps listed — by area."""
from __future__ import annotations

import json
import re

import pytest

from tests.integration.hardening_support import login_session
from tests.integration.registry_support import get, new_household, post, wait_history
from tests.support import official_villages, read_topic, wait_until

UNOFFICIAL = "621202100201"   # written like a village of Wudu; the official codes have none
WUDU, WENXIAN = "621202", "621222"


def designation(**overrides) -> dict:
    body = {"year": 2014, "poverty_incidence": 0.23, "collective_income_fen": 0,
            "gaps": {"road": True, "drinking_water": True, "broadband": True}}
    body.update(overrides)
    return body


@pytest.fixture(scope="module")
def places():
    """Three official villages of Wudu and one of Wenxian, none used elsewhere in this module."""
    wudu = official_villages(WUDU)
    return {"a": wudu[20], "b": wudu[21], "c": wudu[22], "not_poor": wudu[23], "wenxian": official_villages(WENXIAN)[5]}


@pytest.fixture(scope="module")
def relay(system):
    """The registry's relay, publishing what the outbox holds."""
    system.procs.start("registry-relay")


def _published(system, topic: str, key: str, type_name: str, count: int) -> list[dict]:
    """The data of the events of ``type_name`` keyed ``key`` on ``topic``, once ``count`` are there."""
    found: list[dict] = []

    def enough():
        records = read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], topic, 10_000, timeout=3)
        found[:] = [json.loads(r.value) for r in records
                    if r.key.decode() == key and dict(r.headers)["ce_type"].decode() == type_name]
        return len(found) >= count
    wait_until(enough, timeout=60, message=f"{count} {type_name} of {key} on {topic}")
    return found


@pytest.fixture(scope="module")
def filed(system, places, relay):
    """Villages a and b of Wudu and one of Wenxian filed as poor villages."""
    for key, user in (("a", "county_wudu"), ("b", "central"), ("wenxian", "county_wenxian")):
        post(system, "/api/villages", {"village_code": places[key], "designation": designation(),
                                       "reason": "2014年识别"}, user=user, expect=201)
    return places


@pytest.fixture(scope="module")
def task_force(system, filed):
    tf = post(system, "/api/task-forces", {
        "county_code": WUDU, "sending_unit": "甘肃省农业农村厅",
        "first_secretary": {"name": "赵书记", "unit": "省农业农村厅", "phone": "13900000001"},
        "members": [{"name": "钱队员", "unit": "市扶贫办", "phone": "13900000002"}]}, user="county_wudu", expect=201)
    post(system, f"/api/task-forces/{tf['id']}/stationings", {"village_code": filed["a"], "from": "2015-01-01"},
         user="county_wudu")
    return tf


def test_a_designated_village_is_filed_with_its_basis_and_published(system, filed):
    v = get(system, f"/api/villages/{filed['a']}")
    assert v["village_code"] == filed["a"] and v["county_code"] == WUDU and v["status"] == "identified"
    assert v["name"] and v["created_by"] == "county_wudu" and v["version"] == 1
    assert v["designation"]["gaps"] == {"road": True, "drinking_water": True, "power": False, "broadband": True,
                                        "clinic": False, "school": False}
    assert v["designation"]["poverty_incidence"] == 0.23 and v["collective_income"] == {"2014": 0}
    [published] = _published(system, system.topics.villages, filed["a"], "cn.jingzhun.registry.village.designated.v1", 1)
    assert (published["village_code"], published["change"], published["to_status"]) == (filed["a"], "designated",
                                                                                        "identified")
    assert published["file"]["designation"]["gaps"]["road"] is True


def test_an_unofficial_village_is_refused_naming_the_field_and_nothing_is_written(system):
    villages = system.db("registry")["villages"]
    before = villages.count_documents({})
    r = system.client("registry").post("/api/villages", headers=system.headers("central"),
                                       json={"village_code": UNOFFICIAL, "designation": designation()})
    assert r.status_code == 422, r.get_json()
    assert "official codes" in " ".join(r.get_json()["errors"]["json"]["village_code"])
    assert villages.count_documents({}) == before


def test_a_village_is_filed_once(system, filed):
    r = system.client("registry").post("/api/villages", headers=system.headers("central"),
                                       json={"village_code": filed["a"], "designation": designation()})
    assert r.status_code == 409 and "village_code" in r.get_json()["errors"]["json"]


def test_villages_are_scoped_like_households(system, filed):
    def codes(user, query=""):
        return {v["village_code"] for v in get(system, f"/api/villages{query}", user=user)["items"]}
    assert codes("central") == {filed["a"], filed["b"], filed["wenxian"]} == codes("auditor")
    assert codes("county_wudu") == {filed["a"], filed["b"]} == codes("cadre_wudu")   # a cadre: their county's
    assert codes("county_wenxian") == {filed["wenxian"]}
    assert codes("central", f"?area={WUDU}") == {filed["a"], filed["b"]}
    assert codes("central", f"?area={filed['a']}") == {filed["a"]}
    client = system.client("registry")
    assert client.get(f"/api/villages/{filed['a']}", headers=system.headers("county_wenxian")).status_code == 403
    assert client.get(f"/api/villages?area={WUDU}", headers=system.headers("county_wenxian")).status_code == 403
    for user in ("county_wenxian", "cadre_wudu", "auditor", "ecommerce_op"):   # only the county office designates
        r = client.post("/api/villages", headers=system.headers(user),
                        json={"village_code": filed["c"], "designation": designation()})
        assert r.status_code == 403, (user, r.status_code)
    assert client.get(f"/api/villages/{filed['c']}", headers=system.headers("central")).status_code == 404


def test_the_status_moves_one_step_at_a_time_with_who_when_and_why(system, filed):
    path = f"/api/villages/{filed['b']}/status"
    r = system.client("registry").post(path, json={"status": "exited", "reason": "跳步"},
                                       headers=system.headers("county_wudu"))
    assert r.status_code == 409 and "cannot become exited" in r.get_json()["message"]
    post(system, path, {"status": "assisted", "reason": "工作队进驻"}, user="cadre_wudu", expect=403)
    v = post(system, path, {"status": "assisted", "reason": "工作队进驻"}, user="county_wudu")
    assert v["status"] == "assisted" and v["version"] == 2
    [change] = v["changes"]
    assert (change["from"], change["to"], change["by"], change["reason"]) == ("identified", "assisted", "county_wudu",
                                                                              "工作队进驻")
    assert change["at"].startswith("20")
    post(system, path, {"status": "assisted"}, user="county_wudu", expect=422)   # a reason is required
    v = post(system, f"/api/villages/{filed['b']}/collective-income", {"year": 2016, "income_fen": 3_500_000},
             user="county_wudu")
    assert v["collective_income"] == {"2014": 0, "2016": 3_500_000}


def test_a_task_force_is_formed_stationed_and_scoped(system, filed, task_force):
    tf = get(system, f"/api/task-forces/{task_force['id']}")
    assert tf["first_secretary"] == {"name": "赵书记", "unit": "省农业农村厅", "phone": "13900000001"}
    assert tf["stationings"] == [{"village_code": filed["a"], "from": "2015-01-01", "to": None}]
    assert [m["name"] for m in tf["members"]] == ["钱队员"]
    members = [{"name": "钱队员", "unit": "市扶贫办", "phone": ""}, {"name": "孙队员", "unit": "县教育局", "phone": ""}]
    r = system.client("registry").put(f"/api/task-forces/{tf['id']}/members", json={"members": members},
                                      headers=system.headers("county_wudu"))
    assert r.status_code == 200 and [m["name"] for m in r.get_json()["members"]] == ["钱队员", "孙队员"]
    assert [t["id"] for t in get(system, "/api/task-forces", user="cadre_wudu")] == [tf["id"]]
    assert get(system, "/api/task-forces", user="county_wenxian") == []
    assert get(system, f"/api/task-forces?village_code={filed['a']}", user="auditor")[0]["id"] == tf["id"]
    client = system.client("registry")
    assert client.get(f"/api/task-forces/{tf['id']}", headers=system.headers("county_wenxian")).status_code == 403
    assert client.get("/api/task-forces/TF0000000000", headers=system.headers("central")).status_code == 404
    station = f"/api/task-forces/{tf['id']}/stationings"
    assert client.post(station, json={"village_code": filed["a"], "from": "2016-01-01"},
                       headers=system.headers("cadre_wudu")).status_code == 403
    r = client.post(station, json={"village_code": filed["a"], "from": "2016-01-01"}, headers=system.headers("central"))
    assert r.status_code == 409 and "already stationed" in r.get_json()["message"]


@pytest.mark.parametrize("case", ["unofficial", "not_poor", "other_county", "backwards"])
def test_a_stationing_in_a_village_it_cannot_be_in_is_refused_naming_the_field(system, filed, task_force, case):
    village, field = {"unofficial": (UNOFFICIAL, "village_code"), "not_poor": (filed["not_poor"], "village_code"),
                      "other_county": (filed["wenxian"], "village_code"), "backwards": (filed["b"], "to")}[case]
    body = {"village_code": village, "from": "2016-01-01", **({"to": "2015-01-01"} if case == "backwards" else {})}
    before = get(system, f"/api/task-forces/{task_force['id']}")["version"]
    r = system.client("registry").post(f"/api/task-forces/{task_force['id']}/stationings", json=body,
                                       headers=system.headers("central"))
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["errors"]["json"], r.get_json()
    assert get(system, f"/api/task-forces/{task_force['id']}")["version"] == before


def test_a_task_force_for_an_unofficial_county_is_refused_naming_the_field(system):
    r = system.client("registry").post("/api/task-forces", headers=system.headers("central"), json={
        "county_code": "621299", "sending_unit": "某单位", "first_secretary": {"name": "某书记"}})
    assert r.status_code == 422 and "county_code" in r.get_json()["errors"]["json"], r.get_json()


def test_a_household_has_at_most_one_current_cadre_and_keeps_the_history(system, filed):
    hid = new_household(system, village_code=filed["c"], head="帮扶户")["id"]
    cadre = f"/api/households/{hid}/cadre"
    assert get(system, cadre)["cadre"] is None
    first = post(system, cadre, {"name": "周干部", "unit": "县林业局", "phone": "13700000001", "since": "2026-01-05",
                                 "reason": "结对帮扶"}, user="county_wudu")
    assert first["cadre"]["name"] == "周干部" and first["cadre"]["since"] == "2026-01-05" and first["cadre_history"] == []
    second = post(system, cadre, {"name": "吴干部", "unit": "县水务局", "reason": "周干部调离"}, user="county_wudu")
    assert second["cadre"]["name"] == "吴干部"
    [ended] = second["cadre_history"]
    assert ended["name"] == "周干部" and ended["until"] == second["cadre"]["since"] and ended["end_reason"] == "周干部调离"
    post(system, cadre, {"name": "某人"}, user="cadre_wudu", expect=403)
    post(system, cadre, {"name": "某人"}, user="county_wenxian", expect=403)
    post(system, cadre, {"name": "某人"}, user="auditor", expect=403)
    post(system, f"{cadre}/end", {}, user="county_wudu", expect=422)    # a reason is required
    done = post(system, f"{cadre}/end", {"reason": "户已搬迁"}, user="county_wudu")
    assert done["cadre"] is None and [c["name"] for c in done["cadre_history"]] == ["周干部", "吴干部"]
    post(system, f"{cadre}/end", {"reason": "again"}, user="county_wudu", expect=409)
    assert get(system, f"/api/households/{hid}")["cadre_history"][-1]["ended_by"] == "county_wudu"
    # Each change went out on the registry's topic, keyed by the household, through the outbox.
    cadre_events = _published(system, system.topics.registry, hid, "cn.jingzhun.registry.household.cadre_assigned.v1", 3)
    assert [e["cadre"] and e["cadre"]["name"] for e in cadre_events] == ["周干部", "吴干部", None]
    assert cadre_events[1]["ended"]["name"] == "周干部" and cadre_events[2]["reason"] == "户已搬迁"
    # … and reached the household's history like any change to its file.
    system.procs.start("registry-consumer")
    entries = wait_history(system, hid, 4, program="registry")
    assert sorted(e["title_zh"] for e in entries if "帮扶责任人" in e["title_zh"]) == sorted(
        ["帮扶责任人变更：结对帮扶", "帮扶责任人变更：周干部调离", "帮扶责任人变更：户已搬迁"])


def test_coverage_counts_villages_with_a_task_force_and_households_with_a_cadre_and_lists_the_gaps(
        system, filed, task_force):
    covered = new_household(system, village_code=filed["a"], head="有干部", cadre={"name": "郑干部", "phone": ""})["id"]
    missing = new_household(system, village_code=filed["a"], head="无干部")["id"]
    area = filed["a"]
    c = get(system, f"/api/coverage?area={area}", user="county_wudu")
    assert (c["villages"], c["villages_covered"], c["village_gaps"]) == (1, 1, [])
    assert (c["households"], c["households_covered"]) == (2, 1)
    assert [h["_id"] for h in c["household_gaps"]] == [missing] and covered not in str(c["household_gaps"])
    county = get(system, "/api/coverage", user="county_wudu")   # their own county when no area is given
    assert county["area"] == WUDU and county["villages"] == 2 and county["villages_covered"] == 1
    assert [v["village_code"] for v in county["village_gaps"]] == [filed["b"]]
    assert county["village_share"] == 0.5 and missing in {h["_id"] for h in county["household_gaps"]}
    country = get(system, "/api/coverage?area=000000", user="central")
    assert country["villages"] == 3 and {v["village_code"] for v in country["village_gaps"]} == {filed["b"], filed["wenxian"]}
    client = system.client("registry")
    assert client.get(f"/api/coverage?area={WENXIAN}", headers=system.headers("county_wudu")).status_code == 403
    assert client.get("/api/coverage?area=000000", headers=system.headers("cadre_wudu")).status_code == 403
    r = client.get("/api/coverage?area=62120210", headers=system.headers("central"))
    assert r.status_code == 422 and "area" in r.get_json()["errors"]["query"]


def test_the_card_reads_the_cadre_and_the_task_force_from_the_model(system, filed, task_force):
    hid = new_household(system, village_code=filed["a"], head="卡片户")["id"]
    post(system, f"/api/households/{hid}/cadre", {"name": "冯干部", "unit": "县交通局", "phone": "13600000000"},
         user="county_wudu")
    client = system.client("registry")
    login_session(client, "county_wudu")
    body = _text(client.get(f"/households/{hid}/card?lang=en"))
    assert "Assigned cadre 冯干部 县交通局 13600000000" in body
    assert "Task force 甘肃省农业农村厅, first secretary 赵书记 省农业农村厅 13900000001" in body


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _page(system, path, user="county_wudu"):
    client = system.client("registry")
    login_session(client, user)
    return client.get(path)


def test_the_village_page_shows_its_file_households_and_task_force(system, filed, task_force):
    en = _text(_page(system, f"/villages/{filed['a']}?lang=en"))
    for expected in ("Poor village", filed["a"], "Designated in 2014", "23.0 %", "Lacks Road、Drinking water、Broadband",
                     "甘肃省农业农村厅", "stationed now", "赵书记", "2015-01-01"):
        assert expected in en, expected
    zh = _text(_page(system, f"/villages/{filed['a']}?lang=zh_CN"))
    for expected in ("贫困村", "驻村工作队", "第一书记", "村集体经济", "道路", "饮水"):
        assert expected in zh, expected
    listing = _text(_page(system, f"/villages?area={WUDU}&lang=en"))
    assert filed["a"] in listing and filed["b"] in listing and filed["wenxian"] not in listing
    assert _page(system, f"/villages/{filed['wenxian']}").status_code == 403
    assert _page(system, f"/villages/{filed['c']}").status_code == 404
    nav = _page(system, "/?lang=en").get_data(as_text=True)
    assert 'href="/villages"' in nav and 'href="/task-forces"' in nav and 'href="/coverage"' in nav


def test_the_coverage_page_shows_the_figures_and_the_gaps_in_both_languages(system, filed, task_force):
    en = _text(_page(system, f"/coverage?area={WUDU}&lang=en"))
    assert "Poor villages with a task force 1 / 2 50.0 %" in en
    assert "Poor villages without a task force" in en and filed["b"] in en and "Poor households without a cadre" in en
    zh = _text(_page(system, f"/coverage?area={WUDU}&lang=zh_CN"))
    assert "覆盖" in zh and "没有驻村工作队的贫困村" in zh
    assert _page(system, f"/coverage?area={WENXIAN}").status_code == 403
    dashboard = _page(system, f"/dashboard?area={WUDU}&lang=en").get_data(as_text=True)
    assert f'href="/coverage?area={WUDU}"' in dashboard
    tf_page = _text(_page(system, f"/task-forces/{task_force['id']}?lang=en", user="auditor"))
    assert "First secretary 赵书记 · 省农业农村厅 · 13900000001" in tf_page and "钱队员" in tf_page
