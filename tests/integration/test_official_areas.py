"""Every write that names an area refuses a code the official edition does not have (issue
16), with 422 naming the field and nothing written: household files, change requests that
move a household, area uploads, and the program records that take a village. (Imports report
it per row: test_import.py.) 621202100201 is written like a village of Wudu district, but
the official codes have no such village."""
from __future__ import annotations

import importlib

import pytest

from shared.config import Settings
from tests.integration.conftest import NEW_HOUSEHOLD

UNOFFICIAL = "621202100201"
PROGRAM_RECORDS = [
    ("photovoltaic", "/api/installations", {"kind": "station", "name": "某村光伏电站", "capacity_kw": 100,
                                            "commissioned_on": "2025-06-01"}, "installations"),
    ("relocation", "/api/sites", {"name": "某安置点", "kind": "centralized", "township": "城关镇", "village": "某村",
                                  "capacity_households": 10, "capacity_m2": 1000}, "sites"),
    ("ecommerce", "/api/stations", {"name": "某村电商服务站", "township": "汉王镇", "village": "某村", "keeper": "王某"}, "stations"),
    ("ecommerce", "/api/trainings", {"held_on": "2026-11-12", "village": "某村", "trainer": "张老师", "topic": "网店运营"}, "trainings"),
]


@pytest.fixture(scope="module")
def apps(system):
    made = {}
    for service in {s for s, *_ in PROGRAM_RECORDS}:
        app = importlib.import_module(f"services.{service}.app").create_app(Settings.from_env(service, system.env))
        app.config["TESTING"] = True
        made[service] = app
    return made


def _refused(r, *path):
    assert r.status_code == 422, (r.status_code, r.get_data(as_text=True)[:400])
    errors = r.get_json()["errors"]["json"]
    for key in path:
        errors = errors[key]
    assert "not" in " ".join(errors) and "official codes" in " ".join(errors), errors


def test_a_household_file_in_an_unofficial_village_is_refused(system):
    households = system.db("registry")["households"]
    before = households.count_documents({})
    r = system.client("registry").post("/api/households", json={**NEW_HOUSEHOLD, "village_code": UNOFFICIAL},
                                       headers=system.headers("central"))
    _refused(r, "village_code")
    assert households.count_documents({}) == before


def test_moving_a_household_to_an_unofficial_village_is_refused(system):
    client, headers = system.client("registry"), system.headers("central")
    household = client.post("/api/households", json=NEW_HOUSEHOLD, headers=headers).get_json()
    requests = system.db("registry")["change_requests"]
    before = requests.count_documents({})
    r = client.post(f"/api/households/{household['id']}/change-requests", headers=headers, json={
        "kind": "move_area", "reason": "relocated",
        "payload": {"village_code": UNOFFICIAL, "township": "城关镇", "village": "某村"}})
    _refused(r, "payload", "village_code")
    assert requests.count_documents({}) == before


def test_an_area_upload_naming_an_unofficial_area_is_refused_by_row(system):
    areas = system.db("registry")["areas"]
    before = areas.count_documents({})
    r = system.client("registry").put("/api/areas", headers=system.headers("central"), json={"areas": [
        {"code": "621202104201", "name": "罗寨村", "population": 300}, {"code": UNOFFICIAL, "name": "某村"}]})
    _refused(r, "areas", "1", "code")
    assert "0" not in r.get_json()["errors"]["json"]["areas"]
    assert areas.count_documents({}) == before


@pytest.mark.parametrize("service,path,body,collection", PROGRAM_RECORDS, ids=[p for _, p, *_ in PROGRAM_RECORDS])
def test_a_program_record_in_an_unofficial_village_is_refused(system, apps, service, path, body, collection):
    db = system.mongo[Settings.from_env(service, system.env).database_name][collection]
    before = db.count_documents({})
    r = apps[service].test_client().post(path, json={**body, "village_code": UNOFFICIAL},
                                         headers=system.headers("central"))
    _refused(r, "village_code")
    assert db.count_documents({}) == before
    official = apps[service].test_client().post(path, json={**body, "village_code": "621202104201"},
                                                headers=system.headers("central"))
    assert official.status_code == 201, official.get_json()
