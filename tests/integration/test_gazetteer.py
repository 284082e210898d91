"""The official areas in the real store: the pinned edition's Gansu loaded by the session
(tests/support.load_gazetteer), looked up by code, name and parent; a load run again changes
nothing; readers keep the edition in use until a new one is complete."""
import json
import subprocess
import sys

import pytest

from shared.config import Settings
from shared.gazetteer import edition
from shared.gazetteer.store import Gazetteer
from shared.store import gazetteer_db, make_client
from tests.support import ROOT, unique_prefix


@pytest.fixture(scope="module")
def client(stack):
    client = make_client(Settings.from_env("tests"))
    yield client
    client.close()


@pytest.fixture(scope="module")
def gazetteer(client):
    return Gazetteer(gazetteer_db(client, Settings.from_env("tests")))


def test_gansu_is_loaded_from_the_pinned_edition(gazetteer):
    status = gazetteer.status()
    assert status["edition"] == edition.CURRENT.name and "62" in status["provinces"]
    assert status["areas"] >= 19_224   # 1 province, 14 prefectures, 88 counties, 1,403 townships, 17,718 villages


def test_codes_are_known_by_the_edition_or_not(gazetteer):
    assert gazetteer.unknown(["621202103200", "621202", "621200", "620000", "621202100201", "000000000000"]) == {
        "621202100201", "000000000000"}
    assert gazetteer.names(["621202", "621202103", "621202103200"]) == {
        "621202": "武都区", "621202103": "两水镇", "621202103200": "后坝村委会"}


def test_children_are_one_level_down_in_code_order(gazetteer):
    counties = gazetteer.children("621200")
    assert [c["_id"] for c in counties][:2] == ["621202", "621221"] and all(c["level"] == "county" for c in counties)
    assert "620000" in [p["_id"] for p in gazetteer.children(None)]


def test_a_load_run_again_changes_nothing(gazetteer):
    before = gazetteer.status()["areas"]
    result = subprocess.run([sys.executable, "-m", "shared.gazetteer", "load", "--province", "620000"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(result.stdout)["counts"]["village"] == 17_718
    assert gazetteer.status()["areas"] == before


def test_readers_keep_the_edition_in_use_until_a_new_one_is_complete(client):
    db = client[unique_prefix("gazetteer")]
    gazetteer = Gazetteer(db)
    gazetteer.load("old", "the old edition", iter([{"_id": "620000", "name": "甘肃省", "level": "province", "parent": None}]),
                   ["62"])
    seen = []

    def rows():
        yield {"_id": "620000", "name": "甘肃省", "level": "province", "parent": None}
        seen.append(Gazetteer(db).edition())   # another reader, while the new edition loads
        yield {"_id": "621200", "name": "陇南市", "level": "prefecture", "parent": "620000"}

    gazetteer.load("new", "the new edition", rows(), ["62"])
    assert seen == ["old"]
    assert Gazetteer(db).edition() == "new" and Gazetteer(db).unknown(["621200"]) == set()
