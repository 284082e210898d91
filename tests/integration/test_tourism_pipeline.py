"""Tourism through the whole system: a household enrolled in tourism has a month of
homestay bookings (one cancelled), a wage and a cooperative dividend; the registry ends with
the right timeline entries and income totals. A dividend run repeated pays once."""
import pytest

from shared.config import Settings
from tests.integration.conftest import ensure_running
from tests.integration.registry_support import get, new_household, wait_history
from tests.support import wait_until

BOOKED = "cn.jingzhun.tourism.booking.recorded.v1"
CANCELLED = "cn.jingzhun.tourism.booking.cancelled.v1"
WAGE = "cn.jingzhun.tourism.wage.paid.v1"
DIVIDEND = "cn.jingzhun.tourism.dividend.paid.v1"


@pytest.fixture(scope="module")
def tourism(system):
    """Tourism's app in-process on this module's databases, and its processes running."""
    from services.tourism.app import create_app
    app = create_app(Settings.from_env("tourism", system.env))
    app.config["TESTING"] = True
    ensure_running(system, "registry-consumer", "registry-relay", "tourism-relay", "tourism-households")
    yield app


def tourism_db(system):
    return system.mongo[f"{system.env['JINGZHUN_DB_PREFIX']}_tourism"]


def call(system, tourism, method, path, body=None, user="tourism_op", expect=(200, 201)):
    r = getattr(tourism.test_client(), method)(path, json=body, headers=system.headers(user))
    assert r.status_code in ((expect,) if isinstance(expect, int) else expect), (path, r.status_code, r.get_json())
    return r.get_json()


def enrolled(system, tourism, head="王建国"):
    """A new household file, known to tourism through the registry's topic, and enrolled."""
    hid = new_household(system, head=head)["id"]
    wait_until(lambda: tourism_db(system)["households"].find_one({"_id": hid}), timeout=60,
               message="the household in tourism's read model")
    call(system, tourism, "post", "/api/enrolments", {"household_id": hid}, expect=201)
    return hid


@pytest.fixture(scope="module")
def month(system, tourism):
    """A month of tourism, done once for the module: a household with a homestay, two bookings
    (one cancelled), a job with its wage (sent twice), and a cooperative dividend it shares with
    a neighbour 2:1 (the run sent again, then with another amount). What each step answered."""
    hid, neighbour = enrolled(system, tourism), enrolled(system, tourism, head="赵六")

    homestay = call(system, tourism, "post", "/api/homestays", {
        "household_id": hid, "name": "山居小院", "kind": "farm_stay", "rooms": 3, "beds": 6,
        "safety_inspected_on": "2026-09-20"}, expect=201)
    booking = {"homestay_id": homestay["id"], "guests": 4, "check_in": "2026-10-02", "check_out": "2026-10-04",
               "channel": "online_platform", "amount_fen": 80000, "income_fen": 68000, "guest_name": "游客甲"}
    first = call(system, tourism, "post", "/api/bookings", booking, expect=201)
    second = call(system, tourism, "post", "/api/bookings", {**booking, "check_in": "2026-10-10",
                                                              "check_out": "2026-10-11", "amount_fen": 30000,
                                                              "income_fen": 25000}, expect=201)
    call(system, tourism, "post", f"/api/bookings/{second['id']}/cancel", {"reason": "暴雨封路",
                                                                           "cancelled_on": "2026-10-08"})
    job = call(system, tourism, "post", "/api/jobs", {
        "household_id": hid, "member_name": "李秀英", "scenic_area": "官鹅沟景区", "position": "讲解员",
        "started_on": "2026-10-01", "monthly_wage_fen": 260000}, expect=201)
    wage = {"month": "2026-10", "paid_on": "2026-10-31", "income_fen": 260000}
    call(system, tourism, "post", f"/api/jobs/{job['id']}/wages", wage, expect=201)
    call(system, tourism, "post", f"/api/jobs/{job['id']}/wages", wage, expect=200)   # sent twice: paid once
    coop = call(system, tourism, "post", "/api/cooperatives", {"name": "寺背村乡村旅游合作社", "county_code": "621202",
                                                               "village": "寺背村"}, expect=201)
    call(system, tourism, "post", f"/api/cooperatives/{coop['id']}/members", {"household_id": hid, "shares": 2},
         expect=201)
    call(system, tourism, "post", f"/api/cooperatives/{coop['id']}/members", {"household_id": neighbour, "shares": 1},
         expect=201)
    run = {"period": "2026-10", "amount_fen": 100000, "paid_on": "2026-10-31"}
    paid = call(system, tourism, "post", f"/api/cooperatives/{coop['id']}/dividend-runs", run, expect=201)
    # The same run again (a double click, a retried request): the first run, nothing paid again.
    again = call(system, tourism, "post", f"/api/cooperatives/{coop['id']}/dividend-runs", run, expect=200)
    other = call(system, tourism, "post", f"/api/cooperatives/{coop['id']}/dividend-runs", {**run, "amount_fen": 1},
                 expect=409)
    runs = tourism_db(system)["dividend_runs"].count_documents({})
    return {"hid": hid, "neighbour": neighbour, "coop": coop, "first": first, "second": second,
            "paid": paid, "again": again, "other": other, "dividend_runs": runs}


def test_a_dividend_run_gives_the_leftover_fen_to_the_larger_remainder(month):
    # 1000 yuan by 2:1 → 666.666… and 333.333…: the fen left over goes to the larger remainder.
    hid, neighbour, paid = month["hid"], month["neighbour"], month["paid"]
    assert {line["household_id"]: line["dividend_fen"] for line in paid["lines"]} == {hid: 66667, neighbour: 33333}


def test_a_dividend_run_again_returns_the_first_and_pays_nothing_more(month):
    coop, paid, again, other = month["coop"], month["paid"], month["again"], month["other"]
    assert again["id"] == paid["id"] == f"{coop['id']}:2026-10" and again["created_at"] == paid["created_at"]
    assert "already paid" in other["errors"]["json"]["period"][0]
    assert month["dividend_runs"] == 1


def test_the_households_file_totals_nine_tourism_events_and_their_income(system, month):
    # enrolled, homestay, 2 bookings, cancellation, job, wage, joined, dividend = 9 for the household.
    hid = month["hid"]
    expected = 68000 + 25000 - 25000 + 260000 + 66667
    file = wait_until(lambda: (lambda f: f if f["summary"].get("programs", {}).get("tourism", {}).get("events") == 9
                               else None)(get(system, f"/api/households/{hid}")),
                      timeout=90, message="nine tourism events applied to the household")
    assert file["summary"]["total_income_fen"] == expected
    assert file["summary"]["programs"]["tourism"] == {"status": "enrolled", "events": 9, "income_fen": expected,
                                                      "amount_fen": 80000 + 30000 - 30000 + 260000 + 66667}


def test_the_households_timeline_has_the_nine_tourism_entries(system, month):
    # The history entry is written just after the file's totals: wait for it.
    history = wait_history(system, month["hid"], 9, "tourism")
    entries = {e["event_type"]: e for e in history}
    assert sorted(e["event_type"].split(".")[3] for e in history) == [
        "booking", "booking", "booking", "cooperative", "dividend", "enrolment", "homestay", "job", "wage"]
    assert entries[BOOKED]["income_fen"] in (68000, 25000)
    assert entries[CANCELLED]["income_fen"] == -25000 and "暴雨封路" in entries[CANCELLED]["title_zh"]
    assert entries[WAGE]["title_zh"] == "李秀英2026-10工资（官鹅沟景区）：¥2,600.00"
    assert entries[DIVIDEND]["title_en"] == "Dividend of 寺背村乡村旅游合作社 for 2026-10: ¥666.67 (2/3 shares)"
    assert "guest_name" not in entries[BOOKED]["data"]   # visitors' names stay in tourism


def test_the_neighbour_gets_its_own_dividend_event_once(system, month):
    neighbour = month["neighbour"]
    neighbour_file = wait_until(
        lambda: (lambda f: f if f["summary"].get("total_income_fen") == 33333 else None)(
            get(system, f"/api/households/{neighbour}")), timeout=60, message="the neighbour's dividend")
    dividends = [e for e in wait_history(system, neighbour, 3, "tourism") if e["event_type"] == DIVIDEND]
    assert len(dividends) == 1 and neighbour_file["summary"]["programs"]["tourism"]["events"] == 3


def test_the_cancelled_booking_keeps_its_history(system, tourism, month):
    mine = call(system, tourism, "get", f"/api/bookings/{month['second']['id']}", user="auditor")
    assert [e["type"] for e in mine["events"]] == [BOOKED, CANCELLED]


def test_the_report_and_the_list_count_the_booking_that_stayed(system, tourism, month):
    report = call(system, tourism, "get", "/api/report?from=2026-10&to=2026-10&county_code=621202", user="auditor")
    assert report["rows"] == [{"month": "2026-10", "county_code": "621202", "bookings": 1, "nights": 2,
                               "booking_income_fen": 68000, "wage_income_fen": 260000,
                               "dividend_income_fen": 100000, "income_fen": 428000}]
    assert month["first"]["id"] in [b["id"] for b in call(system, tourism, "get", "/api/bookings?status=booked",
                                                          user="county_wudu")["items"]]


def test_the_pages_record_a_booking_wages_members_and_dividends(system, tourism):
    hid = enrolled(system, tourism, head="钱七")
    web = tourism.test_client()
    with web.session_transaction() as session:
        session["user"], session["csrf"] = "tourism_op", "token-1"

    def submit(path, form, expect=302):
        r = web.post(path + "?lang=en", data={**form, "csrf_token": "token-1"})
        assert r.status_code == expect, r.get_data(as_text=True)[-3000:]
        return r

    r = submit("/homestays/new", {"household_id": hid, "name": "农家乐", "kind": "farm_stay", "rooms": "2",
                                  "beds": "4", "safety_inspected_on": "2026-10-01"})
    homestay_id = r.headers["Location"].rsplit("/", 1)[-1]
    submit(f"/homestays/{homestay_id}/edit", {"name": "钱家农家乐", "kind": "farm_stay", "rooms": "2", "beds": "5",
                                              "version": "1"})
    stale = submit(f"/homestays/{homestay_id}/edit", {"name": "x", "kind": "farm_stay", "rooms": "2", "beds": "5",
                                                      "version": "1"}, expect=422)
    assert 'data-error-for="version"' in stale.get_data(as_text=True)
    too_many = submit("/bookings/new", {"homestay_id": homestay_id, "guests": "6", "check_in": "2026-10-05",
                                        "check_out": "2026-10-06", "channel": "walk_in", "amount_yuan": "300",
                                        "income_yuan": "300"}, expect=422)
    assert 'data-error-for="guests"' in too_many.get_data(as_text=True)
    r = submit("/bookings/new", {"homestay_id": homestay_id, "guests": "5", "check_in": "2026-10-05",
                                 "check_out": "2026-10-06", "channel": "walk_in", "amount_yuan": "300",
                                 "income_yuan": "280.50"})
    booking = web.get(r.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "280.50" in booking and "Booking at 钱家农家乐: 1-night stay for 5, income ¥280.50" in booking

    r = submit("/jobs/new", {"household_id": hid, "member_name": "钱七", "scenic_area": "万象洞", "position": "保安",
                             "started_on": "2026-09-01", "monthly_wage_yuan": "2200"})
    job_path = r.headers["Location"]
    submit(job_path + "/wages", {"month": "2026-09", "income_yuan": "2200"})
    submit(job_path + "/wages", {"month": "2026-09", "income_yuan": "2200"})          # a double click
    wrong = submit(job_path + "/wages", {"month": "2026-08", "income_yuan": "2200"}, expect=422)
    assert 'data-error-for="month"' in wrong.get_data(as_text=True)
    submit(job_path + "/end", {"ended_on": "2026-09-30", "reason": "季节工结束"})
    page = web.get(job_path + "?lang=en").get_data(as_text=True)
    assert "2,200.00" in page and "ended" in page

    r = submit("/cooperatives/new", {"name": "万象洞旅游合作社", "county_code": "621202", "village": "寺背村"})
    coop_path = r.headers["Location"]
    submit(coop_path + "/members", {"household_id": hid, "shares": "3"})
    dup = submit(coop_path + "/members", {"household_id": hid, "shares": "1"}, expect=422)
    assert "already a member" in dup.get_data(as_text=True)
    submit(coop_path + "/dividend-runs", {"period": "2026-Q3", "amount_yuan": "450"})
    submit(coop_path + "/dividend-runs", {"period": "2026-Q3", "amount_yuan": "450"})  # a double click
    coop_id = coop_path.rsplit("/", 1)[-1]
    assert tourism_db(system)["dividend_runs"].count_documents({"cooperative_id": coop_id}) == 1
    assert tourism_db(system)["wage_payments"].count_documents({"household_id": hid}) == 1
    page = web.get(f"/dividend-runs/{coop_id}:2026-Q3?lang=en").get_data(as_text=True)
    assert "450.00" in page

    # enrolled, homestay, homestay edit, booking, job, wage, job ended, joined, dividend.
    history = wait_history(system, hid, 9, "tourism")
    assert sum(e["income_fen"] for e in history) == 28050 + 220000 + 45000
