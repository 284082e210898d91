"""What fuzzing found answering 500 (issue 18) answers 422 naming the field, and writes nothing:
a report whose last month is year 0 (its default range reached back before year 1), an area
upload with a village whose province part is 00 (its county had no parent), and a household
in a village whose first six digits are not a county's (it showed as a "province 0")."""
from __future__ import annotations

import importlib

import pytest

from shared.config import Settings
from tests.integration.conftest import NEW_HOUSEHOLD

REPORTS = [("tourism", "/api/report"), ("microcredit", "/api/report"), ("relocation", "/api/report"),
           ("photovoltaic", "/api/monthly")]


@pytest.fixture(scope="module")
def apps(system):
    made = {}
    for service in {s for s, _ in REPORTS}:
        module = importlib.import_module(f"services.{service}.app")
        app = module.create_app(Settings.from_env(service, system.env))
        app.config["TESTING"] = True
        made[service] = app
    return made


@pytest.mark.parametrize("service,path", REPORTS)
@pytest.mark.parametrize("query", ["to=0000-01", "from=0000-01", "from=0000-01&to=0000-12"])
def test_a_report_for_year_zero_is_refused_naming_the_month(system, apps, service, path, query):
    r = apps[service].test_client().get(f"{path}?{query}", headers=system.headers("central"))
    assert r.status_code == 422, (r.status_code, r.get_data(as_text=True)[:300])
    assert set(r.get_json()["errors"]["query"]) <= {"from", "to"}


@pytest.mark.parametrize("code", ["000000100201", "620000100201", "620100100201"])
def test_an_area_upload_naming_a_village_outside_any_county_is_refused(system, code):
    areas = system.db("registry")["areas"]
    before = areas.count_documents({})
    r = system.client("registry").put("/api/areas", json={"areas": [{"code": code, "name": "某村"}]},
                                      headers=system.headers("central"))
    assert r.status_code == 422, (r.status_code, r.get_data(as_text=True)[:300])
    assert "code" in r.get_json()["errors"]["json"]["areas"]["0"]
    assert areas.count_documents({}) == before


@pytest.mark.parametrize("code", ["000000000000", "000000100201", "620000100201"])
def test_a_household_in_a_village_outside_any_county_is_refused(system, code):
    households = system.db("registry")["households"]
    before = households.count_documents({})
    r = system.client("registry").post("/api/households", json={**NEW_HOUSEHOLD, "village_code": code},
                                       headers=system.headers("central"))
    assert r.status_code == 422, (r.status_code, r.get_data(as_text=True)[:300])
    assert "village_code" in r.get_json()["errors"]["json"]
    assert households.count_documents({}) == before
