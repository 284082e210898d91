"""One month of photovoltaic work for enrolled households reaches the registry as the right
timeline entries and income totals; a repeated distribution pays once; a station down too
long raises the risk signal once, and the registry warns for the household that exited."""
from datetime import timedelta

import pytest

from tests.integration.registry_support import READY_TO_EXIT as READY, exit_household as _exit, get, run_task
from tests.integration.photovoltaic_support import (A_YEAR_AGO, LAST_MONTH, PV, TODAY, TWO_MONTHS_AGO, VILLAGE)
from tests.support import read_topic, wait_until


@pytest.fixture(scope="module")
def pv(system):
    service = PV(system)
    registry = system.app("registry")
    registry.extensions["settings"] = registry.extensions["settings"].with_(exit_notice_days=0)
    for name in ("registry-consumer", "registry-relay", "photovoltaic-relay", "photovoltaic-households"):
        system.procs.start(name)
    yield service
    service.close()


def history(system, hid):
    return get(system, f"/api/households/{hid}/history", user="auditor")


def photovoltaic_entries(system, hid, count):
    def enough():
        entries = [e for e in history(system, hid) if e["program"] == "photovoltaic"]
        return entries if len(entries) >= count else None
    return wait_until(enough, timeout=90, message=f"{count} photovoltaic entries for {hid}")


@pytest.fixture(scope="module")
def month(system, pv):
    """A month of photovoltaic work, done once for the module: two households in a station
    (3 and 1 shares), a post for the first; two months ago wages for the post, last month
    dividends by share (10% kept for maintenance), the distribution run again, and a rooftop
    system of the first household with its report. What each step answered, for the tests."""
    h1, h2 = pv.enrolled_household(), pv.enrolled_household(head="李大山")
    station = pv.station()
    sid = station["id"]
    pv.post(f"/api/installations/{sid}/members", {"household_id": h1, "shares": 3})
    pv.post(f"/api/installations/{sid}/members", {"household_id": h2, "shares": 1})
    pv.post(f"/api/installations/{sid}/posts", {"household_id": h1, "member_name": "王建国", "post": "光伏板保洁员",
                                                "monthly_wage_fen": 30000, "since": A_YEAR_AGO})

    # Two months ago: wages for the post. Last month: dividends by share (10% kept for maintenance).
    pv.post("/api/reports", {"installation_id": sid, "month": TWO_MONTHS_AGO, "kwh": 10000, "tariff_fen_per_kwh": 75})
    wages = pv.post("/api/distributions", {"installation_id": sid, "month": TWO_MONTHS_AGO, "mode": "wages"})
    report = pv.post("/api/reports", {"installation_id": sid, "month": LAST_MONTH, "kwh": 12000,
                                      "tariff_fen_per_kwh": 75, "source": "power_company"})
    dividends = pv.post("/api/distributions", {"installation_id": sid, "month": LAST_MONTH, "mode": "dividends"})

    # Run again (the operator clicked twice, a job retried): the first run comes back, nothing is paid.
    again = pv.call("post", "/api/distributions", {"installation_id": sid, "month": LAST_MONTH, "mode": "dividends"},
                    expect=200).get_json()

    # A rooftop system of the first household: its revenue is its income.
    rooftop = pv.post("/api/installations", {"kind": "rooftop", "name": "王建国户屋顶光伏", "capacity_kw": 5,
                                             "commissioned_on": A_YEAR_AGO, "village_code": VILLAGE, "household_id": h1})
    pv.post("/api/reports", {"installation_id": rooftop["id"], "month": LAST_MONTH, "kwh": 600, "tariff_fen_per_kwh": 40})
    return {"h1": h1, "h2": h2, "wages": wages, "report": report, "dividends": dividends, "again": again}


def test_wages_go_to_the_post_holder_and_the_rest_of_the_revenue_is_retained(month):
    wages = month["wages"]
    assert [(a["household_id"], a["amount_fen"]) for a in wages["allocations"]] == [(month["h1"], 30000)]
    assert wages["retained_fen"] == 720000


def test_a_power_company_report_has_revenue_but_no_income(month):
    report = month["report"]
    assert report["revenue_fen"] == 900000 and report["income_fen"] == 0


def test_dividends_are_paid_by_share_after_the_reserve(month):
    h1, h2, dividends = month["h1"], month["h2"], month["dividends"]
    assert {a["household_id"]: a["amount_fen"] for a in dividends["allocations"]} == {h1: 607500, h2: 202500}
    assert (dividends["reserve_fen"], dividends["distributed_fen"]) == (90000, 810000)


def test_a_distribution_run_again_returns_the_first_run(month):
    assert month["again"] == month["dividends"]


def test_the_first_households_timeline_has_its_nine_photovoltaic_entries(system, month):
    # h1: enrolled, joined, post, 2 station reports, wage, dividend, rooftop registered, rooftop report.
    entries = photovoltaic_entries(system, month["h1"], 9)
    assert len(entries) == 9
    titles = " | ".join(e["title_zh"] for e in entries)
    for text in ("纳入光伏扶贫", "加入村级光伏电站寺背村光伏电站，持3股", "担任寺背村光伏电站公益岗位：光伏板保洁员，月工资 ¥300.00",
                 f"{TWO_MONTHS_AGO}公益岗位工资（光伏板保洁员，王建国）¥300.00",
                 f"寺背村光伏电站{LAST_MONTH}光伏收益分红 ¥6,075.00（3/4股）",
                 f"王建国户屋顶光伏{LAST_MONTH}发电600千瓦时，收益 ¥240.00"):
        assert text in titles, (text, titles)
    assert sorted(e["income_fen"] for e in entries if e["income_fen"]) == [24000, 30000, 607500]


def _summary(system, hid, income):
    file = get(system, f"/api/households/{hid}", user="auditor")
    return file["summary"] if file["summary"]["total_income_fen"] == income else None


def test_the_first_households_income_total_counts_wage_dividend_and_rooftop(system, month):
    s1 = wait_until(lambda: _summary(system, month["h1"], 661500), timeout=60, message="h1's income total")
    assert s1["programs"]["photovoltaic"] == {"status": "enrolled", "events": 9, "income_fen": 661500,
                                              "amount_fen": 661500}


def test_the_second_households_timeline_and_income_total_have_its_dividend(system, month):
    photovoltaic_entries(system, month["h2"], 5)
    s2 = wait_until(lambda: _summary(system, month["h2"], 202500), timeout=60, message="h2's income total")
    assert s2["programs"]["photovoltaic"]["events"] == 5


def test_the_distribution_keeps_an_event_for_each_household(system, pv, month):
    # The service's own records keep their history.
    assert [e["household_ids"] for e in pv.get(f"/api/distributions/{month['dividends']['id']}")["events"]] == \
        sorted([[month["h1"]], [month["h2"]]])


def test_the_monthly_report_sums_up_the_month(pv, month):
    monthly = pv.get(f"/api/monthly?from={TWO_MONTHS_AGO}&to={LAST_MONTH}")
    last = next(m for m in monthly["months"] if m["month"] == LAST_MONTH)
    assert (last["kwh"], last["revenue_fen"], last["dividends_fen"], last["rooftop_income_fen"],
            last["income_to_households_fen"]) == (12600, 924000, 810000, 24000, 834000)
    assert monthly["total"]["wages_fen"] == 30000


def test_nothing_of_the_month_went_to_the_dead_letter_topic(system, month):
    """Every event was about a household the registry knows: once both households' entries
    are applied, nothing went to the dead-letter topic."""
    photovoltaic_entries(system, month["h1"], 9)
    photovoltaic_entries(system, month["h2"], 5)
    assert read_topic(system.env["KAFKA_BOOTSTRAP_SERVERS"], system.topics.deadletter, 1, timeout=3) == []


def _check_faults(system, today):
    return run_task(system, "services.photovoltaic.tasks", "check-faults", "--today", today)


def test_a_station_down_too_long_warns_for_its_exited_household_once(system, pv):
    exited, poor = pv.enrolled_household(head="赵春花", **READY), pv.enrolled_household(head="孙永胜")
    _exit(system, exited)
    sid = pv.station(name="何家湾村光伏电站")["id"]
    for hid in (exited, poor):
        pv.post(f"/api/installations/{sid}/members", {"household_id": hid, "shares": 2})
    down_since = (TODAY - timedelta(days=40)).isoformat()
    fault = pv.post("/api/faults", {"installation_id": sid, "down_since": down_since, "cause": "inverter"})
    assert pv.get(f"/api/installations/{sid}")["status"] == "down"

    # Not yet 30 days down on the day after the fault: nothing. Today: raised, once.
    early = (TODAY - timedelta(days=39)).isoformat()
    assert _check_faults(system, early)["raised"] == []
    assert _check_faults(system, TODAY.isoformat())["raised"] == [fault["id"]]
    assert _check_faults(system, TODAY.isoformat())["raised"] == []
    restored = pv.post(f"/api/faults/{fault['id']}/restore", {"restored_on": TODAY.isoformat()}, expect=200)
    assert restored["days_down"] == 40 and restored["risk_raised_on"] == TODAY.isoformat()
    assert [e["type"].split(".")[-2] for e in restored["events"]] == ["reported", "down_too_long", "restored"]

    # The exited household gets a return-to-poverty warning; the other only the timeline entry.
    def warned():
        file = get(system, f"/api/households/{exited}", user="auditor")
        return file["warnings"] if file.get("warnings") else None
    warnings = wait_until(warned, timeout=90, message="the warning on the exited household")
    assert [w["risk"] for w in warnings] == ["pv_station_down"]
    entries = photovoltaic_entries(system, poor, 5)  # enrolled, joined, down, down too long, restored
    assert sum("停运40天" in e["title_zh"] for e in entries) == 2
    assert not get(system, f"/api/households/{poor}", user="auditor").get("warnings")
    assert len(photovoltaic_entries(system, exited, 5)) == 5


def test_a_restoration_after_a_long_outage_raises_the_risk_when_no_check_ran(system, pv):
    hid = pv.enrolled_household(head="周玉梅")
    rooftop = pv.post("/api/installations", {"kind": "rooftop", "name": "周玉梅户屋顶光伏", "capacity_kw": 3,
                                             "commissioned_on": A_YEAR_AGO, "village_code": VILLAGE, "household_id": hid})
    short = pv.post("/api/faults", {"installation_id": rooftop["id"], "down_since": (TODAY - timedelta(days=50)).isoformat(),
                                    "cause": "grid_outage"})
    done = pv.post(f"/api/faults/{short['id']}/restore", {"restored_on": (TODAY - timedelta(days=45)).isoformat()},
                   expect=200)
    assert done["days_down"] == 5 and not done["risk_raised"]
    long = pv.post("/api/faults", {"installation_id": rooftop["id"], "down_since": (TODAY - timedelta(days=40)).isoformat(),
                                   "cause": "panel_damage"})
    done = pv.post(f"/api/faults/{long['id']}/restore", {"restored_on": (TODAY - timedelta(days=5)).isoformat()},
                   expect=200)
    assert done["days_down"] == 35 and done["risk_raised"]
    assert _check_faults(system, TODAY.isoformat())["raised"] == []   # restored: the job leaves it alone
    again = pv.call("post", f"/api/faults/{long['id']}/restore", {"restored_on": TODAY.isoformat()}, expect=409)
    assert "already restored" in again.get_json()["message"]
    entries = photovoltaic_entries(system, hid, 7)  # enrolled, registered, 2 × (down, restored), down too long
    assert sum(e["event_type"].endswith("fault.down_too_long.v1") for e in entries) == 1
