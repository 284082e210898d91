"""The photovoltaic API refuses what it must — unknown households, bad input on every
endpoint, the wrong role — with errors naming each field and nothing written or queued;
and a distribution pays once however often and however concurrently it is run."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.photovoltaic_support import A_YEAR_AGO, LAST_MONTH, PV, TWO_MONTHS_AGO, VILLAGE

UNKNOWN = "H621202ZZZZZZZZZZ"


@pytest.fixture(scope="module")
def pv(system):
    service = PV(system)
    yield service
    service.close()


@pytest.fixture(scope="module")
def world(pv):
    """Two enrolled households, a station with both as members, a report for last month."""
    h1, h2 = pv.enrolled_household(), pv.enrolled_household(head="李大山")
    sid = pv.station()["id"]
    pv.post(f"/api/installations/{sid}/members", {"household_id": h1, "shares": 2})
    pv.post(f"/api/installations/{sid}/members", {"household_id": h2, "shares": 1})
    pv.post("/api/reports", {"installation_id": sid, "month": LAST_MONTH, "kwh": 1001, "tariff_fen_per_kwh": 1})
    return {"h1": h1, "h2": h2, "station": sid}


def test_an_unknown_household_is_refused_with_a_clear_error(pv, world):
    before = pv.written()
    message = f"unknown household {UNKNOWN} (not in the registry's files known here)"
    for path, body in ((f"/api/installations/{world['station']}/members", {"household_id": UNKNOWN, "shares": 1}),
                       ("/api/installations", {"kind": "rooftop", "name": "屋顶", "capacity_kw": 3,
                                               "commissioned_on": A_YEAR_AGO, "village_code": VILLAGE,
                                               "household_id": UNKNOWN}),
                       (f"/api/installations/{world['station']}/posts", {"household_id": UNKNOWN, "member_name": "王",
                                                                        "post": "护林员", "monthly_wage_fen": 100}),
                       ("/api/enrolments", {"household_id": UNKNOWN})):
        r = pv.call("post", path, body, expect=422)
        assert r.get_json()["errors"]["json"]["household_id"][0].startswith(message[:40]), r.get_json()
    assert pv.written() == before


def test_a_household_known_but_not_enrolled_is_refused(pv, world):
    hid = pv.known_household(head="陈海燕")
    before = pv.written()
    r = pv.call("post", f"/api/installations/{world['station']}/members", {"household_id": hid, "shares": 1}, expect=409)
    assert r.get_json()["errors"]["json"]["household_id"] == [
        f"household {hid} is not enrolled in photovoltaic poverty alleviation"]
    assert pv.written() == before


BAD = [
    ("post", "/api/installations", {"kind": "farm", "name": "", "capacity_kw": -1, "commissioned_on": "soon",
                                    "village_code": "6212", "household_id": "H1", "colour": "red"},
     {"kind", "name", "capacity_kw", "commissioned_on", "village_code", "household_id", "colour"}),
    ("patch", "/api/installations/{station}", {"capacity_kw": "big", "village_code": 621202104201, "owner": "x"},
     {"capacity_kw", "village_code", "owner"}),
    ("patch", "/api/installations/{station}", {}, {"_schema"}),
    ("post", "/api/installations/{station}/members", {"household_id": "nobody", "shares": 0, "joined_on": "31/12"},
     {"household_id", "shares", "joined_on"}),
    ("patch", "/api/installations/{station}/members/{h1}", {"shares": "2"}, {"shares"}),
    ("post", "/api/installations/{station}/members/{h1}/leave", {"left_on": "x"}, {"reason", "left_on"}),
    ("post", "/api/installations/{station}/posts", {"household_id": "{h1}", "monthly_wage_fen": 12.5, "since": "x"},
     {"member_name", "post", "monthly_wage_fen", "since"}),
    ("post", "/api/installations/{station}/posts/P1/end", {"reason": ""}, {"reason"}),
    ("post", "/api/reports", {"installation_id": "{station}", "month": "2026-13", "kwh": 1.5, "tariff_fen_per_kwh": "free",
                              "revenue_fen": -1, "source": "rumour"},
     {"month", "kwh", "tariff_fen_per_kwh", "revenue_fen", "source"}),
    ("patch", "/api/reports/{station}-" + LAST_MONTH, {"kwh": -1}, {"kwh", "tariff_fen_per_kwh"}),
    ("post", "/api/distributions", {"installation_id": "{station}", "month": "March", "mode": "lottery",
                                    "amount_fen": "lots"}, {"month", "mode", "amount_fen"}),
    ("post", "/api/faults", {"installation_id": "{station}", "down_since": "", "cause": "ghosts", "note": 5},
     {"down_since", "cause", "note"}),
    ("post", "/api/faults/F1/restore", {"restored_on": "tomorrow", "why": 1}, {"restored_on", "why"}),
]


@pytest.mark.parametrize("method, path, body, fields", BAD, ids=[f"{m} {p}" for m, p, _, _ in BAD])
def test_bad_input_gets_422_naming_each_field_and_nothing_is_written(pv, world, method, path, body, fields):
    fill = lambda text: text.replace("{station}", world["station"]).replace("{h1}", world["h1"])  # noqa: E731
    body = {k: fill(v) if isinstance(v, str) else v for k, v in body.items()}
    before = pv.written()
    r = pv.call(method, fill(path), body, expect=422)
    assert set(r.get_json()["errors"]["json"]) == fields, r.get_json()
    assert pv.written() == before


@pytest.mark.parametrize("query", ["/api/installations?kind=farm&per_page=0", "/api/reports?month=13",
                                   "/api/distributions?mode=x", "/api/faults?status=broken", "/api/monthly?from=2026-05&to=2026-01"])
def test_bad_filters_get_422(pv, world, query):
    r = pv.call("get", query, user="auditor", expect=422)
    assert r.get_json()["errors"]["query"]


@pytest.mark.parametrize("path, body, field", [
    ("/api/reports", {"installation_id": "{station}", "month": LAST_MONTH, "kwh": 5, "tariff_fen_per_kwh": 1}, "month"),
    ("/api/reports", {"installation_id": "{station}", "month": TWO_MONTHS_AGO, "kwh": 10**8, "tariff_fen_per_kwh": 1}, "kwh"),
    ("/api/reports", {"installation_id": "{station}", "month": TWO_MONTHS_AGO, "kwh": 100, "tariff_fen_per_kwh": 70,
                      "revenue_fen": 100}, "revenue_fen"),
    ("/api/reports", {"installation_id": "PVNONE", "month": TWO_MONTHS_AGO, "kwh": 1, "tariff_fen_per_kwh": 1}, "installation_id"),
    ("/api/distributions", {"installation_id": "{station}", "month": TWO_MONTHS_AGO, "mode": "dividends"}, "month"),
    ("/api/distributions", {"installation_id": "{station}", "month": LAST_MONTH, "mode": "wages"}, "mode"),
    ("/api/installations/{station}/members", {"household_id": "{h1}", "shares": 1}, "household_id"),
    ("/api/installations/{station}/members", {"household_id": "H621222ABCDEFGHJK", "shares": 1}, "household_id"),
])
def test_rules_refuse_naming_the_field_and_nothing_is_written(pv, world, path, body, field):
    fill = lambda text: text.replace("{station}", world["station"]).replace("{h1}", world["h1"])  # noqa: E731
    before = pv.written()
    r = pv.call("post", fill(path), {k: fill(v) if isinstance(v, str) else v for k, v in body.items()})
    assert r.status_code in (404, 409, 422) and field in r.get_json()["errors"]["json"], r.get_json()
    assert pv.written() == before


@pytest.mark.parametrize("user, expected", [(None, 401), ("auditor", 403), ("tourism_op", 403), ("county_wudu", 403)])
def test_only_the_program_may_write_and_everyone_may_read(pv, world, user, expected):
    before = pv.written()
    r = pv.call("post", "/api/distributions", {"installation_id": world["station"], "month": LAST_MONTH,
                                                "mode": "dividends"}, user=user, expect=expected)
    assert r.get_json()["code"] == expected
    assert pv.written() == before
    if user:
        assert pv.call("get", f"/api/installations/{world['station']}", user=user).status_code == 200


def test_a_distribution_run_repeatedly_and_concurrently_pays_once(pv, world):
    body = {"installation_id": world["station"], "month": LAST_MONTH, "mode": "dividends", "amount_fen": 1001}
    before = pv.written()["pending_events"]
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: pv.call("post", "/api/distributions", body), range(4)))
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    bodies = [r.get_json() for r in responses]
    assert all(b == bodies[0] for b in bodies)
    # 1001 fen by 2:1 → 667.33 / 333.67: the fen left over goes to the larger remainder.
    assert {a["household_id"]: a["amount_fen"] for a in bodies[0]["allocations"]} == {world["h1"]: 667, world["h2"]: 334}
    assert pv.db["distributions"].count_documents({"installation_id": world["station"]}) == 1
    assert pv.written()["pending_events"] == before + 2   # one dividend event per household, once
    # Later, with other arguments: still the first distribution.
    later = pv.call("post", "/api/distributions", {**body, "mode": "wages", "amount_fen": None}, expect=200).get_json()
    assert later["id"] == bodies[0]["id"] and later["mode"] == "dividends"
    assert pv.written()["pending_events"] == before + 2
    # Its report can no longer be corrected.
    r = pv.call("patch", f"/api/reports/{world['station']}-{LAST_MONTH}", {"kwh": 1000, "tariff_fen_per_kwh": 1},
                expect=409)
    assert "already distributed" in r.get_json()["message"]


def test_lists_search_filter_and_page(pv, world):
    page = pv.get("/api/installations?kind=station&per_page=1")
    assert page["total"] >= 1 and len(page["items"]) == 1 and page["items"][0]["status"] == "operating"
    assert pv.get(f"/api/installations?household_id={world['h2']}")["items"][0]["id"] == world["station"]
    assert pv.get("/api/installations?q=寺背")["total"] >= 1
    assert pv.get("/api/installations?status=down")["total"] == 0
    assert pv.get(f"/api/reports?month={LAST_MONTH}&kind=station")["items"][0]["revenue_fen"] == 1001
    assert pv.get("/api/faults?status=open")["total"] == 0
