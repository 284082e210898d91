"""Registered populations (Areas.populations, what the dashboard's incidence divides by):
an area's own figure, else the sum of its villages — for many areas at once, the same as
asking for each."""
import pytest

from services.registry.adapters.areas import Areas
from services.registry.domain.areas import level_of, parent_of
from shared.config import Settings
from shared.store import make_client
from tests.support import isolated_env

ROWS = [
    {"code": "621202", "name": "武都区"},                                  # no figure: its villages
    {"code": "621202104", "name": "汉王镇", "population": 5000},            # its own figure wins
    {"code": "621202101", "name": "城关镇"},                                # no figure, no villages
    {"code": "621202104200", "name": "寺背村", "population": 1000},
    {"code": "621202104201", "name": "下寺村", "population": 700},
    {"code": "621202105200", "name": "石门村", "population": 300},          # township not uploaded
    {"code": "621222100200", "name": "碧口村", "population": 4000},         # another county
]


@pytest.fixture
def db(stack, request):
    settings = Settings.from_env("registry", isolated_env("area" + request.node.name[-8:]))
    client = make_client(settings)
    yield client[settings.database_name]
    client.close()


def _uploaded(db) -> Areas:
    areas = Areas(db)
    areas.ensure_indexes()
    for row in ROWS:    # one by one: a bulk_write of several upserts stalls the local store
        areas.upsert([row])
    return areas


def test_populations_at_once_are_those_asked_one_by_one(db):
    areas = _uploaded(db)
    codes = ["621202", "621202104", "621202101", "621202105", "621202104200", "621200", "620000", "621222"]
    expected = {"621202": 2000, "621202104": 5000, "621202101": 0, "621202105": 300, "621202104200": 1000,
                "621200": 6000, "620000": 6000, "621222": 4000}
    assert areas.populations(codes) == expected
    assert {code: areas.population(code) for code in codes} == expected


def test_a_changed_village_changes_every_sum_above_it(db):
    areas = _uploaded(db)
    areas.upsert([{"code": "621202104201", "name": "下寺村", "population": 200}])   # 700 → 200
    assert areas.populations(["621202", "621200", "620000", "621222"]) == {
        "621202": 1500, "621200": 5500, "620000": 5500, "621222": 4000}


def test_areas_stored_without_sums_get_them_when_the_registry_starts(db):
    """Areas loaded by a release that kept no sums (or written straight into the store)."""
    db["areas"].insert_many([{"_id": r["code"], "name": r["name"], "level": level_of(r["code"]),
                              "parent": parent_of(r["code"]), "population": r.get("population", 0)} for r in ROWS])
    areas = Areas(db)
    assert areas.populations(["621202", "620000"]) == {"621202": 0, "620000": 0}
    areas.ensure_indexes()
    assert areas.populations(["621202", "621202105", "621200", "620000"]) == {
        "621202": 2000, "621202105": 300, "621200": 6000, "620000": 6000}
