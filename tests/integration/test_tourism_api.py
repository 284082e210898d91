"""Tourism's API and pages refuse what they must, naming each field, and then write and
publish nothing: unknown or unenrolled households, bad input, the wrong role, no CSRF token."""
import pytest

from shared.config import Settings
from tests.integration.conftest import ensure_running
from tests.integration.registry_support import new_household
from tests.support import wait_until

UNKNOWN = "H621202ZZZZZZZZZZ"
COLLECTIONS = ("homestays", "bookings", "jobs", "wage_payments", "cooperatives", "dividend_runs", "enrolments",
               "outbox_marks")


@pytest.fixture(scope="module")
def tourism(system):
    from services.tourism.app import create_app
    app = create_app(Settings.from_env("tourism", system.env))
    app.config["TESTING"] = True
    yield app


def db(system):
    return system.mongo[f"{system.env['JINGZHUN_DB_PREFIX']}_tourism"]


def nothing_written(system):
    counts = {name: db(system)[name].count_documents({}) for name in COLLECTIONS}
    assert counts == dict.fromkeys(COLLECTIONS, 0)


def post(system, tourism, path, body, user="tourism_op"):
    return tourism.test_client().post(path, json=body, headers=system.headers(user))


def test_an_unknown_household_is_refused_with_a_clear_error(system, tourism):
    message = f"unknown household {UNKNOWN} (not in the registry's files known here)"
    for path, body in (
        ("/api/homestays", {"household_id": UNKNOWN, "name": "山居", "kind": "homestay", "rooms": 2, "beds": 4}),
        ("/api/jobs", {"household_id": UNKNOWN, "member_name": "李四", "scenic_area": "官鹅沟", "position": "保洁",
                       "started_on": "2026-10-01", "monthly_wage_fen": 200000}),
        ("/api/enrolments", {"household_id": UNKNOWN}),
    ):
        r = post(system, tourism, path, body)
        assert r.status_code == 422, (path, r.get_json())
        assert r.get_json()["errors"]["json"]["household_id"] == [message]
    nothing_written(system)


@pytest.mark.parametrize("path, body, fields", [
    ("/api/homestays", {"household_id": "nope", "name": "", "kind": "castle", "rooms": 0, "beds": "many",
                        "surprise": 1}, {"household_id", "name", "kind", "rooms", "beds", "surprise"}),
    ("/api/homestays", {"household_id": UNKNOWN, "name": "山居", "kind": "homestay", "rooms": 4, "beds": 3},
     {"beds"}),
    ("/api/bookings", {"homestay_id": "", "guests": 0, "check_in": "yesterday", "channel": "pigeon",
                       "amount_fen": 1.5, "income_fen": -1},
     {"homestay_id", "guests", "check_in", "check_out", "channel", "amount_fen", "income_fen"}),
    ("/api/bookings", {"homestay_id": "HS1", "guests": 2, "check_in": "2026-10-03", "check_out": "2026-10-01",
                       "channel": "walk_in", "amount_fen": 100, "income_fen": 101}, {"check_out", "income_fen"}),
    ("/api/bookings/BKNONE/cancel", {"cancelled_on": "soon"}, {"cancelled_on", "reason"}),
    ("/api/jobs", {"household_id": UNKNOWN, "member_name": "", "started_on": "2026-02-30",
                   "monthly_wage_fen": 0}, {"member_name", "scenic_area", "position", "started_on", "monthly_wage_fen"}),
    ("/api/jobs/JBNONE/wages", {"month": "2026-1", "income_fen": "300"}, {"month", "income_fen"}),
    ("/api/jobs/JBNONE/end", {"ended_on": "2026-10-01"}, {"reason"}),
    ("/api/cooperatives", {"county_code": "62", "founded_on": 2026}, {"name", "county_code", "founded_on"}),
    ("/api/cooperatives/CPNONE/members", {"household_id": UNKNOWN, "shares": 0}, {"shares"}),
    ("/api/cooperatives/CPNONE/dividend-runs", {"period": "2026-13", "amount_fen": 0}, {"period", "amount_fen"}),
])
def test_bad_input_gets_422_naming_each_field_and_nothing_is_written(system, tourism, path, body, fields):
    r = post(system, tourism, path, body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["code"] == 422 and set(r.get_json()["errors"]["json"]) == fields
    nothing_written(system)


@pytest.mark.parametrize("method, path, body, where, fields", [
    ("patch", "/api/homestays/HSNONE", {}, "json", {"_schema"}),
    ("patch", "/api/jobs/JBNONE", {"monthly_wage_fen": -5, "version": 0}, "json", {"monthly_wage_fen", "version"}),
    ("patch", "/api/cooperatives/CPNONE/members/" + UNKNOWN, {"shares": "2"}, "json", {"shares"}),
    ("get", "/api/report?from=2026-13&to=2026-01&lang=en", None, "query", {"from"}),   # lang: ignored
    ("get", "/api/report?from=2026-05&to=2026-01", None, "query", {"to"}),
    ("get", "/api/bookings?status=gone&per_page=1000&month=May", None, "query", {"status", "per_page", "month"}),
])
def test_bad_edits_and_queries_get_422_naming_each_field(system, tourism, method, path, body, where, fields):
    r = getattr(tourism.test_client(), method)(path, json=body, headers=system.headers("tourism_op"))
    assert r.status_code == 422, r.get_json()
    assert set(r.get_json()["errors"][where]) == fields
    nothing_written(system)


@pytest.mark.parametrize("user, expected", [
    (None, 401),             # nobody
    ("auditor", 403),        # reads only
    ("ecommerce_op", 403),   # another program's operator
    ("county_wudu", 403),    # county operators keep household files, not tourism records
])
def test_only_tourism_operators_and_the_central_office_write(system, tourism, user, expected):
    body = {"household_id": UNKNOWN, "name": "山居", "kind": "homestay", "rooms": 2, "beds": 4}
    headers = system.headers(user) if user else {}
    for path in ("/api/homestays", "/api/cooperatives/CPNONE/dividend-runs"):
        r = tourism.test_client().post(path, json=body, headers=headers)
        assert r.status_code == expected and r.get_json()["code"] == expected
    nothing_written(system)
    if user:
        assert tourism.test_client().get("/api/bookings", headers=headers).status_code == 200   # everyone reads


def test_a_known_household_must_be_enrolled_first(system, tourism):
    ensure_running(system, "registry-relay", "tourism-households")
    hid = new_household(system)["id"]
    wait_until(lambda: db(system)["households"].find_one({"_id": hid}), timeout=60,
               message="the household in tourism's read model")
    r = post(system, tourism, "/api/homestays", {"household_id": hid, "name": "山居", "kind": "homestay",
                                                 "rooms": 2, "beds": 4})
    assert r.status_code == 409
    assert r.get_json()["errors"]["json"]["household_id"] == [f"household {hid} is not enrolled in rural tourism"]
    assert db(system)["homestays"].count_documents({}) == 0


def logged_in(tourism, user="tourism_op"):
    web = tourism.test_client()
    with web.session_transaction() as session:
        session["user"] = user
        session["csrf"] = "token-1"
    return web


@pytest.mark.parametrize("path, form, fields", [
    ("/bookings/new", {"homestay_id": "", "guests": "many", "check_in": "2026-10-03", "check_out": "2026-10-01",
                       "channel": "walk_in", "amount_yuan": "12.345", "income_yuan": "1"},
     ("homestay_id", "guests", "check_out", "amount_fen")),
    ("/homestays/new", {"household_id": "x", "name": "", "kind": "homestay", "rooms": "3", "beds": "2"},
     ("household_id", "name", "beds")),
    ("/jobs/new", {"household_id": UNKNOWN, "member_name": "李四", "monthly_wage_yuan": "abc"},
     ("scenic_area", "position", "started_on", "monthly_wage_fen")),
    ("/cooperatives/new", {"name": "", "county_code": "6212"}, ("name", "county_code")),
])
def test_forms_show_each_fields_error_and_write_nothing(system, tourism, path, form, fields):
    web = logged_in(tourism)
    r = web.post(path + "?lang=en", data={**form, "csrf_token": "token-1"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    for name in fields:
        assert f'data-error-for="{name}"' in page, name
    assert "Please correct the fields marked below." in page
    nothing_written(system)


def test_a_form_refused_by_a_rule_shows_why_at_the_field(system, tourism):
    web = logged_in(tourism)
    r = web.post("/homestays/new?lang=en", data={"csrf_token": "token-1", "household_id": UNKNOWN, "name": "山居",
                                                 "kind": "homestay", "rooms": "2", "beds": "4"})
    assert r.status_code == 422
    assert f"unknown household {UNKNOWN}" in r.get_data(as_text=True)
    nothing_written(system)


def test_form_posts_need_the_csrf_token_and_a_writer(system, tourism):
    r = logged_in(tourism).post("/cooperatives/new", data={"name": "合作社", "county_code": "621202"})
    assert r.status_code == 403
    r = logged_in(tourism, "auditor").post("/cooperatives/new", data={"csrf_token": "token-1", "name": "合作社",
                                                                      "county_code": "621202"})
    assert r.status_code == 403
    nothing_written(system)
    assert logged_in(tourism, "auditor").get("/report").status_code == 200
