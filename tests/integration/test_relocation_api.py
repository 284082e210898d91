"""The relocation API refuses what it must — unknown households, bad input on every endpoint,
steps out of order, a full site, the wrong role — with errors naming each field and nothing
written or queued."""
import pytest

from tests.integration.relocation_support import SITE_VILLAGE, Relocation

UNKNOWN = "H621202ZZZZZZZZZZ"


@pytest.fixture(scope="module")
def rel(system):
    service = Relocation(system)
    yield service
    service.close()


@pytest.fixture(scope="module")
def world(rel):
    """An enrolled household with its case, a small site, and a second case moved in there."""
    h1, h2 = rel.enrolled_household(), rel.enrolled_household(head="李大山")
    site = rel.site(households=2, m2=90)
    c1, c2 = rel.case(h1)["id"], rel.case(h2)["id"]
    rel.step(c2, "housing", {"site_id": site["id"], "unit": "2-301", "area_m2": 50})
    rel.step(c2, "move-in", {})
    return {"h1": h1, "h2": h2, "site": site["id"], "case": c1, "moved": c2}


def test_an_unknown_household_is_refused_with_a_clear_error(rel, world):
    before = rel.written()
    for path in ("/api/cases", "/api/enrolments"):
        r = rel.call("post", path, {"household_id": UNKNOWN})
        assert r.status_code == 422, r.get_json()
        assert r.get_json()["errors"]["json"]["household_id"][0].startswith(f"unknown household {UNKNOWN}")
    assert rel.written() == before


def test_a_known_household_not_enrolled_and_a_second_case_are_refused(rel, world):
    hid = rel.known_household(head="陈海燕")
    before = rel.written()
    r = rel.call("post", "/api/cases", {"household_id": hid}, expect=409)
    assert r.get_json()["errors"]["json"]["household_id"] == [f"household {hid} is not enrolled in relocation"]
    r = rel.call("post", "/api/cases", {"household_id": world["h1"]}, expect=409)
    assert r.get_json()["errors"]["json"]["household_id"] == [
        f"household {world['h1']} already has relocation case {world['case']}"]
    assert rel.written() == before


BAD = [
    ("/api/sites", {"name": "", "kind": "scattered", "village_code": "6212", "township": 5, "capacity_households": 0,
                    "capacity_m2": "big", "colour": "red"},
     {"name", "kind", "village_code", "township", "village", "capacity_households", "capacity_m2", "colour"}),
    ("/api/cases", {"household_id": "nobody", "people": 0, "extra": 1}, {"household_id", "people", "extra"}),
    ("/api/cases/{case}/housing", {"site_id": "", "area_m2": 1.5, "self_paid_fen": -1, "allocated_on": "soon"},
     {"site_id", "unit", "area_m2", "self_paid_fen", "allocated_on"}),
    ("/api/cases/{case}/move-in", {"moved_in_on": "31/12", "when": 1}, {"moved_in_on", "when"}),
    ("/api/cases/{moved}/employment", {"member_name": "", "monthly_wage_fen": 12.5, "started_on": "x"},
     {"member_name", "employer", "job", "monthly_wage_fen", "started_on"}),
    ("/api/cases/{moved}/training", {"course": "", "days": 0}, {"member_name", "course", "days"}),
    ("/api/cases/{moved}/reclamation", {"land_m2": -3, "reclaimed_on": "x"}, {"demolished_on", "land_m2", "reclaimed_on"}),
    ("/api/cases/{moved}/subsidies", {"kind": "bonus", "amount_fen": 0, "paid_on": ""}, {"kind", "amount_fen", "paid_on"}),
    ("/api/enrolments", {"household_id": 5}, {"household_id"}),
]


def _fill(world, text):
    for key in ("case", "moved", "site", "h1"):
        text = text.replace("{%s}" % key, world[key])
    return text


@pytest.mark.parametrize("path, body, fields", BAD, ids=[p for p, _, _ in BAD])
def test_bad_input_gets_422_naming_each_field_and_nothing_is_written(rel, world, path, body, fields):
    before = rel.written()
    r = rel.call("post", _fill(world, path), body, expect=422)
    assert set(r.get_json()["errors"]["json"]) == fields, r.get_json()
    assert rel.written() == before


@pytest.mark.parametrize("query", ["/api/sites?kind=x&per_page=0", "/api/cases?stage=flying", "/api/cases?employed=maybe",
                                   "/api/report?from=2026-05&to=2026-01", "/api/report?county_code=1"])
def test_bad_filters_get_422(rel, world, query):
    r = rel.call("get", query, user="auditor", expect=422)
    assert r.get_json()["errors"]["query"]


@pytest.mark.parametrize("path, body, field, status", [
    ("/api/cases/{case}/move-in", {}, "_schema", 409),
    ("/api/cases/{case}/employment", {"member_name": "王", "employer": "厂", "job": "工"}, "_schema", 409),
    ("/api/cases/{case}/reclamation", {"demolished_on": "2026-01-01", "land_m2": 10}, "_schema", 409),
    ("/api/cases/{case}/subsidies", {"kind": "moving", "amount_fen": 100}, "kind", 409),
    ("/api/cases/{case}/housing", {"site_id": "{site}", "unit": "1", "area_m2": 41}, "area_m2", 409),   # site has 40 m² left
    ("/api/cases/{case}/housing", {"site_id": "{site}", "unit": "1", "area_m2": 51}, "area_m2", 422),   # > 25 × 2
    ("/api/cases/{case}/housing", {"site_id": "SNONE", "unit": "1", "area_m2": 10}, "site_id", 422),
    ("/api/cases/{case}/housing", {"site_id": "{site}", "unit": "1", "area_m2": 10, "allocated_on": "2999-01-01"},
     "allocated_on", 422),
    ("/api/cases/{moved}/housing", {"site_id": "{site}", "unit": "1", "area_m2": 10}, "_schema", 409),
    ("/api/cases/RNONE/move-in", {}, "case_id", 404),
])
def test_rules_refuse_naming_the_field_and_nothing_is_written(rel, world, path, body, field, status):
    before = rel.written()
    r = rel.call("post", _fill(world, path), {k: _fill(world, v) if isinstance(v, str) else v for k, v in body.items()})
    assert r.status_code == status and field in r.get_json()["errors"]["json"], r.get_json()
    assert rel.written() == before


def test_a_full_site_refuses_the_next_household(rel, world):
    h3 = rel.enrolled_household(head="周小梅")
    c3 = rel.case(h3)["id"]
    rel.step(c3, "housing", {"site_id": world["site"], "unit": "2-302", "area_m2": 20})
    site = rel.get(f"/api/sites/{world['site']}")
    assert (site["households_allocated"], site["m2_allocated"], site["households_free"]) == (2, 70, 0)
    before = rel.written()
    r = rel.call("post", f"/api/cases/{world['case']}/housing", {"site_id": world["site"], "unit": "9", "area_m2": 5},
                 expect=409)
    assert "is full" in r.get_json()["errors"]["json"]["site_id"][0]
    assert rel.written() == before


@pytest.mark.parametrize("user, expected", [(None, 401), ("auditor", 403), ("tourism_op", 403), ("county_wudu", 403)])
def test_only_the_program_may_write_and_everyone_may_read(rel, world, user, expected):
    before = rel.written()
    r = rel.call("post", "/api/sites", {"name": "x", "kind": "dispersed", "village_code": SITE_VILLAGE,
                                        "township": "城关镇", "village": "东江村", "capacity_households": 1,
                                        "capacity_m2": 10}, user=user, expect=expected)
    assert r.get_json()["code"] == expected
    rel.call("post", f"/api/cases/{world['moved']}/training", {"member_name": "王", "course": "x", "days": 1},
             user=user, expect=expected)
    assert rel.written() == before
    if user:
        assert rel.call("get", f"/api/cases/{world['case']}", user=user).status_code == 200
        assert rel.call("get", "/api/report", user=user).status_code == 200


def test_the_pages_list_filter_and_export(rel, world):
    """Every page renders for a reader, with filters and paging; the report exports CSV."""
    for path, text in ((f"/sites?q=城关&kind=centralized", "城关镇易地扶贫搬迁安置点"),
                       (f"/sites/{world['site']}", "2-301"),
                       (f"/cases?stage=moved_in&site_id={world['site']}&employed=no&page=1", world["moved"]),
                       (f"/cases?q={world['h1']}", world["case"]),
                       (f"/cases/{world['case']}", world["h1"]),
                       ("/report?lang=en", "Moved in by month and site")):
        r = rel.call("get", path, user="auditor", expect=200)
        assert text in r.get_data(as_text=True), path
    listed = rel.call("get", "/cases?stage=reclaimed", user="auditor", expect=200).get_data(as_text=True)
    assert world["moved"] not in listed
    csv = rel.call("get", "/report.csv?lang=en", user="auditor", expect=200)
    assert csv.mimetype == "text/csv" and "Households moved in" in csv.get_data(as_text=True)
    assert rel.call("get", "/report?from=2026-13", user="auditor").status_code == 422
