"""Registered populations (Areas.populations, what the dashboard's incidence divides by):
an area's own figure, else the sum of its villages — for many areas at once, the same as
asking for each."""
from services.registry.adapters.areas import Areas
from shared.config import Settings
from shared.store import make_client
from tests.support import isolated_env

ROWS = [
    {"code": "621202", "name": "武都区"},                                  # no figure: its villages
    {"code": "621202100", "name": "汉王镇", "population": 5000},            # its own figure wins
    {"code": "621202101", "name": "城关镇"},                                # no figure, no villages
    {"code": "621202100200", "name": "寺背村", "population": 1000},
    {"code": "621202100201", "name": "下寺村", "population": 700},
    {"code": "621202102200", "name": "石门村", "population": 300},          # township not uploaded
    {"code": "621222100200", "name": "碧口村", "population": 4000},         # another county
]


def test_populations_at_once_are_those_asked_one_by_one(stack):
    settings = Settings.from_env("registry", isolated_env("areapop"))
    client = make_client(settings)
    try:
        areas = Areas(client[settings.database_name])
        areas.ensure_indexes()
        areas.upsert(ROWS[:1])
        for row in ROWS[1:]:    # one by one: a bulk_write of several upserts stalls the local store
            areas.upsert([row])
        codes = ["621202", "621202100", "621202101", "621202102", "621202100200", "621200", "620000", "621222"]
        expected = {"621202": 2000, "621202100": 5000, "621202101": 0, "621202102": 300, "621202100200": 1000,
                    "621200": 6000, "620000": 6000, "621222": 4000}
        assert areas.populations(codes) == expected
        assert {code: areas.population(code) for code in codes} == expected
    finally:
        client.close()
