"""One household enrolled in all three income programs: a month of activity in each ends
as the right timeline entries and income totals in the registry."""
from shared.config import Settings
from tests.integration.conftest import ensure_running, sale_for
from tests.integration.registry_support import get, new_household
from tests.integration.photovoltaic_support import LAST_MONTH, PV, A_YEAR_AGO, VILLAGE
from tests.support import wait_until


def _client(app, system, method, path, body, user, expect):
    r = getattr(app.test_client(), method)(path, json=body, headers=system.headers(user))
    assert r.status_code == expect, (path, r.status_code, r.get_json())
    return r.get_json()


def test_one_household_in_ecommerce_tourism_and_photovoltaic(system):
    from services.tourism.app import create_app as tourism_app
    tourism = tourism_app(Settings.from_env("tourism", system.env))
    pv = PV(system)
    ensure_running(system, "registry-consumer", "registry-relay", "ecommerce-relay", "ecommerce-households",
                   "tourism-relay", "tourism-households", "photovoltaic-relay", "photovoltaic-households")
    hid = new_household(system, head="三项户")["id"]
    prefix = system.env["JINGZHUN_DB_PREFIX"]
    for service in ("ecommerce", "tourism", "photovoltaic"):
        wait_until(lambda: system.mongo[f"{prefix}_{service}"]["households"].find_one({"_id": hid}), timeout=60,
                   message=f"the household known to {service}")

    # E-commerce: enrolled, one sale (income 600.00), part of it refunded (income back 100.00).
    _client(system.app("ecommerce"), system, "post", "/api/enrolments", {"household_id": hid}, "central", 201)
    sale = _client(system.app("ecommerce"), system, "post", "/api/sales", sale_for(hid), "central", 201)
    _client(system.app("ecommerce"), system, "post", f"/api/sales/{sale['id']}/refunds",
            {"amount_fen": 12000, "income_fen": 10000, "reason": "破损", "refunded_on": sale["sold_on"]}, "central", 201)

    # Tourism: enrolled, a homestay and a booking (income 680.00).
    _client(tourism, system, "post", "/api/enrolments", {"household_id": hid}, "central", 201)
    homestay = _client(tourism, system, "post", "/api/homestays", {
        "household_id": hid, "name": "山居小院", "kind": "farm_stay", "rooms": 3, "beds": 6,
        "safety_inspected_on": "2026-09-20"}, "central", 201)
    _client(tourism, system, "post", "/api/bookings", {
        "homestay_id": homestay["id"], "guests": 4, "check_in": "2026-10-02", "check_out": "2026-10-04",
        "channel": "online_platform", "amount_fen": 80000, "income_fen": 68000, "guest_name": "游客"}, "central", 201)

    # Photovoltaic: enrolled, a rooftop system and its month's report (income 600 kWh × 0.40 = 240.00).
    pv.post("/api/enrolments", {"household_id": hid})
    rooftop = pv.post("/api/installations", {"kind": "rooftop", "name": "屋顶光伏", "capacity_kw": 5,
                                             "commissioned_on": A_YEAR_AGO, "village_code": VILLAGE, "household_id": hid})
    pv.post("/api/reports", {"installation_id": rooftop["id"], "month": LAST_MONTH, "kwh": 600, "tariff_fen_per_kwh": 40})

    expected = {"ecommerce": 60000 - 10000, "tourism": 68000, "photovoltaic": 24000}

    def settled():
        summary = get(system, f"/api/households/{hid}")["summary"]
        incomes = {p: summary["programs"].get(p, {}).get("income_fen") for p in expected}
        return summary if incomes == expected else None

    summary = wait_until(settled, timeout=90, message="the three programs' income in the registry")
    assert summary["total_income_fen"] == sum(expected.values())
    assert {p: v["status"] for p, v in summary["programs"].items()} == {p: "enrolled" for p in expected}
    timeline = get(system, f"/api/households/{hid}/history")
    by_program = {p: [e for e in timeline if e["program"] == p] for p in expected}
    assert all(len(entries) >= 3 for entries in by_program.values()), {p: len(e) for p, e in by_program.items()}
    assert sum(e["income_fen"] for e in timeline) == sum(expected.values())
    assert all(e["title_en"] and e["title_zh"] for e in timeline)
