"""E-commerce refuses what it must, and writes and publishes nothing then: bad input on every
endpoint (each field named), the wrong role, a refund beyond what remains, links that do
not fit; and its pages show each field's error."""
import pytest

from tests.integration.conftest import ensure_running, sale_for
from tests.integration.registry_support import new_household
from tests.support import wait_until

COLLECTIONS = ("sales", "stores", "stations", "trainings", "enrolments")


@pytest.fixture(scope="module")
def things(system):
    """One enrolled household with a store, a sale, a station and a training session."""
    ensure_running(system, "registry-relay", "ecommerce-households")
    hid = new_household(system)["id"]
    wait_until(lambda: system.db("ecommerce")["households"].find_one({"_id": hid}), timeout=60,
               message="the household in the read model")
    ok = {"enrolment": post(system, "/api/enrolments", {"household_id": hid})}
    ok["store"] = post(system, "/api/stores", {"kind": "household", "name": "王家小店", "platform": "wechat",
                                                "household_id": hid})
    ok["sale"] = post(system, "/api/sales", sale_for(hid, store_id=ok["store"]["id"]))
    ok["station"] = post(system, "/api/stations", {"name": "寺背村电商服务站", "village_code": "621202104201",
                                                    "township": "汉王镇", "village": "寺背村", "keeper": "李四"})
    ok["training"] = post(system, "/api/trainings", {"held_on": "2026-11-12", "village_code": "621202104201",
                                                      "village": "寺背村", "trainer": "张老师", "topic": "拍照与详情页"})
    ok["hid"] = hid
    return ok


def post(system, path, body, user="ecommerce_op"):
    r = system.client("ecommerce").post(path, json=body, headers=system.headers(user))
    assert r.status_code == 201, (path, r.get_json())
    return r.get_json()


def snapshot(system) -> dict:
    """Every e-commerce record with its pending events: nothing may change on a refusal."""
    db = system.db("ecommerce")
    return {c: sorted(db[c].find({}), key=lambda d: d["_id"]) for c in COLLECTIONS}


def call(system, method, path, body=None, user="ecommerce_op"):
    return getattr(system.client("ecommerce"), method)(path, json=body, headers=system.headers(user) if user else {})


BAD = [
    ("post", "/api/sales", {"household_id": "x", "product": "", "quantity": 0, "unit": "kg", "amount_fen": -1,
                            "income_fen": 0, "channel": "own_store", "sold_on": "2026-11-01", "partner": "amazon",
                            "extra": 1},
     {"household_id", "product", "quantity", "amount_fen", "partner", "extra"}),
    ("patch", "/api/sales/{sale}", {"quantity": "many", "sold_on": "2026-13-01", "amount_fen": 1, "version": 0},
     {"quantity", "sold_on", "amount_fen", "version"}),
    ("post", "/api/sales/{sale}/refunds", {"amount_fen": -5, "income_fen": "x", "refunded_on": "soon", "x": 1},
     {"amount_fen", "income_fen", "refunded_on", "reason", "x"}),
    ("post", "/api/stores", {"kind": "shop", "name": "", "platform": "amazon", "url": "javascript:alert(1)",
                             "committed_households": ["nope"]},
     {"kind", "name", "platform", "url", "committed_households"}),
    ("patch", "/api/stores/{store}", {"name": "", "committed_households": [], "status": "closed"},
     {"name", "committed_households", "status"}),
    ("post", "/api/stores/{store}/close", {"closed_on": "x"}, {"closed_on", "reason"}),
    ("post", "/api/stations", {"village_code": "62120210020", "phone": "abc", "opened_on": "x"},
     {"village_code", "phone", "opened_on", "name", "township", "village", "keeper"}),
    ("patch", "/api/stations/{station}", {"status": "gone", "village_code": "1"}, {"status", "village_code"}),
    ("post", "/api/trainings", {"held_on": "x", "village_code": "x", "topic": ""},
     {"held_on", "village_code", "topic", "village", "trainer"}),
    ("patch", "/api/trainings/{training}", {"trainer": "", "version": "x"}, {"trainer", "version"}),
    ("post", "/api/trainings/{training}/attendance", {"household_id": "x", "members": "王"}, {"household_id", "members"}),
]
BAD_QUERIES = [
    ("/api/sales?status=lost&per_page=1000&sold_from=x", {"status", "per_page", "sold_from"}),
    ("/api/sales.csv?limit=0&channel=x", {"limit", "channel"}),
    ("/api/stores?kind=x&household_id=1", {"kind", "household_id"}),
    ("/api/stations?village_code=1&county=abc", {"village_code", "county"}),
    ("/api/trainings?held_from=x&page=0", {"held_from", "page"}),
    ("/api/reports/monthly?from=2026-13&county=62&lang=en", {"from", "county"}),   # unknown parameters are ignored
    ("/api/reports/monthly.csv?year=1900", {"year"}),
]


@pytest.mark.parametrize("method, path, body, fields", BAD, ids=[f"{m} {p}" for m, p, _, _ in BAD])
def test_bad_input_gets_422_naming_each_field_and_nothing_is_written(system, things, method, path, body, fields):
    path = path.format(**{k: v["id"] for k, v in things.items() if isinstance(v, dict) and "id" in v})
    before = snapshot(system)
    r = call(system, method, path, body)
    assert r.status_code == 422, r.get_json()
    assert set(r.get_json()["errors"]["json"]) == fields
    assert snapshot(system) == before


@pytest.mark.parametrize("path, fields", BAD_QUERIES, ids=[p for p, _ in BAD_QUERIES])
def test_bad_queries_get_422_naming_each_parameter(system, path, fields):
    r = call(system, "get", path, user="auditor")
    assert r.status_code == 422, r.get_json()
    assert set(r.get_json()["errors"]["query"]) == fields


def test_what_does_not_fit_the_records_is_refused_naming_the_field(system, things):
    sale, store = things["sale"], things["store"]
    before = snapshot(system)
    r = call(system, "post", f"/api/sales/{sale['id']}/refunds", {"amount_fen": 72001, "reason": "x"})
    assert r.status_code == 409 and set(r.get_json()["errors"]["json"]) == {"amount_fen"}
    r = call(system, "post", f"/api/sales/{sale['id']}/refunds", {"amount_fen": 100, "reason": "x",
                                                                   "refunded_on": "2026-10-01"})
    assert r.status_code == 409 and set(r.get_json()["errors"]["json"]) == {"refunded_on"}
    r = call(system, "patch", f"/api/sales/{sale['id']}", {"product": "x", "version": sale["version"] + 5})
    assert r.status_code == 409 and "changed meanwhile" in r.get_json()["message"]
    other = new_household(system, head="李四")["id"]
    wait_until(lambda: system.db("ecommerce")["households"].find_one({"_id": other}), timeout=60, message="read model")
    r = call(system, "post", "/api/sales", sale_for(things["hid"], channel="enterprise_purchase", store_id=store["id"]))
    assert r.status_code == 409 and set(r.get_json()["errors"]["json"]) == {"channel"}
    r = call(system, "post", "/api/sales", sale_for(things["hid"], store_id="T-NONE", station_id="Z-NONE"))
    assert r.status_code == 409 and set(r.get_json()["errors"]["json"]) == {"store_id", "station_id"}
    r = call(system, "post", "/api/stores", {"kind": "enterprise", "name": "陇南电商公司", "platform": "jd",
                                              "owner_name": "公司", "county_code": "621202",
                                              "committed_households": [things["hid"], other]})
    assert r.status_code == 409 and "not enrolled" in r.get_json()["errors"]["json"]["committed_households"][0]
    r = call(system, "post", "/api/stores", {"kind": "enterprise", "name": "文县公司", "platform": "jd",
                                              "owner_name": "公司", "county_code": "621222",
                                              "committed_households": [things["hid"]]})
    assert r.status_code == 422 and set(r.get_json()["errors"]["json"]) == {"committed_households"}
    r = call(system, "patch", f"/api/stores/{store['id']}", {"committed_households": [things["hid"]]})
    assert r.status_code == 422 and set(r.get_json()["errors"]["json"]) == {"committed_households"}
    assert snapshot(system) == before


@pytest.mark.parametrize("user, expected", [(None, 401), ("auditor", 403), ("tourism_op", 403), ("county_wudu", 403)])
def test_only_the_programs_operators_write(system, things, user, expected):
    before = snapshot(system)
    writes = [
        ("post", "/api/stores", {"kind": "household", "name": "店", "platform": "other", "household_id": things["hid"]}),
        ("post", f"/api/stores/{things['store']['id']}/close", {"reason": "x"}),
        ("post", f"/api/sales/{things['sale']['id']}/refunds", {"amount_fen": 100, "reason": "x"}),
        ("patch", f"/api/sales/{things['sale']['id']}", {"product": "x"}),
        ("post", "/api/stations", {"name": "站", "village_code": "621202104201", "township": "镇", "village": "村",
                                   "keeper": "人"}),
        ("post", "/api/trainings", {"held_on": "2026-11-12", "village_code": "621202104201", "village": "村",
                                    "trainer": "人", "topic": "题"}),
        ("post", f"/api/trainings/{things['training']['id']}/attendance", {"household_id": things["hid"],
                                                                         "members": ["王建国"]}),
    ]
    for method, path, body in writes:
        r = call(system, method, path, body, user)
        assert r.status_code == expected, (path, r.get_json())
    assert call(system, "get", "/api/stores", user=user).status_code == (401 if user is None else 200)
    assert snapshot(system) == before


def logged_in(system, user="ecommerce_op"):
    web = system.client("ecommerce")
    with web.session_transaction() as session:
        session["user"] = user
        session["csrf"] = "test-csrf"
    return web


def test_pages_show_each_fields_error_and_record_through_the_forms(system, things):
    web = logged_in(system)
    sale_id = things["sale"]["id"]
    page = web.get(f"/sales/{sale_id}?lang=en")
    assert page.status_code == 200 and 'data-testid="refund-form"' in page.get_data(as_text=True)

    r = web.post(f"/sales/{sale_id}/refund", data={"csrf_token": "test-csrf", "amount_yuan": "9999", "reason": ""})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and 'data-error-for="reason"' in body
    r = web.post(f"/sales/{sale_id}/refund", data={"csrf_token": "test-csrf", "amount_yuan": "9999", "reason": "退货"})
    assert r.status_code == 422 and 'data-error-for="amount_fen"' in r.get_data(as_text=True)
    r = web.post(f"/sales/{sale_id}/refund", data={"amount_yuan": "10", "reason": "退货"})   # no CSRF token
    assert r.status_code == 403
    r = web.post(f"/sales/{sale_id}/refund", data={"csrf_token": "test-csrf", "amount_yuan": "720", "reason": "整单退货"})
    assert r.status_code == 302
    page = web.get(f"/sales/{sale_id}?lang=en").get_data(as_text=True)
    assert "整单退货" in page and 'data-testid="refund-form"' not in page   # fully refunded: no more refunds
    assert 'data-testid="history"' in page and "Refund for" in page

    r = web.post("/stores/new", data={"csrf_token": "test-csrf", "kind": "cooperative", "name": "", "platform": "jd",
                                      "committed_households": "H621202ZZZZZZZZZZ nope"})
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    for field in ("name", "committed_households"):
        assert f'data-error-for="{field}"' in body
    r = web.post(f"/trainings/{things['training']['id']}/attendance",
                 data={"csrf_token": "test-csrf", "household_id": "H621202ZZZZZZZZZZ", "members": "王建国"})
    assert r.status_code == 422 and "unknown household" in r.get_data(as_text=True)
    r = web.post(f"/trainings/{things['training']['id']}/attendance",
                 data={"csrf_token": "test-csrf", "household_id": things["hid"], "members": "王建国、李秀英"})
    assert r.status_code == 302
    assert "李秀英" in web.get(f"/trainings/{things['training']['id']}").get_data(as_text=True)
    r = web.post("/stations/new", data={"csrf_token": "test-csrf", "name": "站", "village_code": "123"})
    assert r.status_code == 422 and 'data-error-for="village_code"' in r.get_data(as_text=True)


def test_lists_reports_and_exports(system, things):
    web = logged_in(system, "auditor")
    listed = web.get(f"/?household_id={things['hid']}&lang=en").get_data(as_text=True)
    assert things["sale"]["id"] in listed and "1 sales" in listed
    assert things["sale"]["id"] not in web.get("/?channel=enterprise_purchase").get_data(as_text=True)
    for path in ("/stores", "/stations", "/trainings", f"/stores/{things['store']['id']}",
                 f"/stations/{things['station']['id']}", "/enrolments"):
        assert web.get(path).status_code == 200, path
    report = web.get("/report?year=2026&lang=en").get_data(as_text=True)
    assert 'id="chart-income"' in report and 'id="chart-sales"' in report and "2026-11" in report
    csv = web.get("/sales.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffsale_id,sold_on,household_id") and things["sale"]["id"] in csv
    assert web.get("/report.csv?year=2026").get_data(as_text=True).startswith("\ufeffmonth,county_code,sales")
    api_csv = system.client("ecommerce").get("/api/sales.csv?status=recorded", headers=system.headers("auditor"))
    assert api_csv.status_code == 200 and api_csv.mimetype == "text/csv"
