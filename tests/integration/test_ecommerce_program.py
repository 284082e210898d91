"""The e-commerce program end to end on the real broker and store: a month of a household's
activity (store, sales, a partner report repeated, refunds, training, a correction) ends as
the right timeline entries and income totals in the registry; unknown households are
refused; a store's commitment reaches every household it names."""
from services.ecommerce.app import create_app  # noqa: F401  (the app under test, via system.client)
from tests.integration.conftest import ensure_running, sale_for
from tests.integration.registry_support import new_household
from tests.support import wait_until

PROCESSES = ("registry-consumer", "registry-relay", "ecommerce-relay", "ecommerce-households")
PREFIX = "cn.jingzhun.ecommerce."


def api(system, method, path, body=None, user="ecommerce_op", expect=None):
    r = getattr(system.client("ecommerce"), method)(path, json=body, headers=system.headers(user))
    if expect is not None:
        assert r.status_code == expect, (path, r.status_code, r.get_json())
    return r.get_json()


def history(system, hid):
    r = system.client("registry").get(f"/api/households/{hid}/history", headers=system.headers("auditor"))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def wait_events(system, hid, count):
    def enough():
        entries = [e for e in history(system, hid) if e["program"] == "ecommerce"]
        return entries if len(entries) >= count else None
    return wait_until(enough, timeout=90, message=f"{count} e-commerce entries for {hid}")


def file_of(system, hid):
    return system.client("registry").get(f"/api/households/{hid}", headers=system.headers("auditor")).get_json()


def enrolled(system):
    """Another household, known here and enrolled (the fixture gives one a test)."""
    hid = new_household(system, head="马德福")["id"]
    wait_until(lambda: system.db("ecommerce")["households"].find_one({"_id": hid}), timeout=60,
               message="the household in the e-commerce read model")
    api(system, "post", "/api/enrolments", {"household_id": hid}, expect=201)
    return hid


def test_a_month_of_activity_ends_as_timeline_entries_and_income_totals(system, enrolled_household):
    ensure_running(system, *PROCESSES)
    hid = enrolled_household["id"]

    store = api(system, "post", "/api/stores", {"kind": "household", "name": "王家花椒铺", "platform": "taobao",
                                                 "household_id": hid, "opened_on": "2026-11-01"}, expect=201)
    own = api(system, "post", "/api/sales", sale_for(hid, store_id=store["id"]), expect=201)       # 720 / 600
    report = sale_for(hid, product="核桃", quantity=10, amount_fen=30000, income_fen=30000, channel="partner_platform",
                      sold_on="2026-11-05", partner="pinduoduo", partner_ref="PDD-778")
    partner = api(system, "post", "/api/sales", report, expect=201)
    again = api(system, "post", "/api/sales", report, expect=200)                   # the partner reports it twice
    assert again["id"] == partner["id"] and again["source"] == "partner"

    part = api(system, "post", f"/api/sales/{own['id']}/refunds",
               {"amount_fen": 12000, "refunded_on": "2026-11-20", "reason": "一箱受潮"}, expect=201)
    assert part["status"] == "partly_refunded" and part["refunded_income_fen"] == 10000   # its share: 600 × 120/720
    full = api(system, "post", f"/api/sales/{partner['id']}/refunds",
               {"amount_fen": 30000, "refunded_on": "2026-11-21", "reason": "退货", "partner_ref": "PDD-R1"}, expect=201)
    assert full["status"] == "refunded" and full["refunded_income_fen"] == 30000
    api(system, "post", f"/api/sales/{partner['id']}/refunds",                      # the refund reported again
        {"amount_fen": 30000, "refunded_on": "2026-11-21", "reason": "退货", "partner_ref": "PDD-R1"}, expect=200)

    session = api(system, "post", "/api/trainings", {"held_on": "2026-11-12", "village_code": "621202104201",
                                                     "village": "寺背村", "trainer": "张老师", "topic": "网店运营与直播带货"},
                  expect=201)
    api(system, "post", f"/api/trainings/{session['id']}/attendance",
        {"household_id": hid, "members": ["王建国", "李秀英"]}, expect=201)
    corrected = api(system, "patch", f"/api/sales/{own['id']}", {"product": "大红袍花椒", "version": part["version"]},
                    expect=200)
    assert corrected["product"] == "大红袍花椒" and corrected["amount_fen"] == 72000

    # enrolment, store, 2 sales, 2 refunds, training, correction: the repeats added nothing
    entries = wait_events(system, hid, 8)
    assert sorted(e["event_type"][len(PREFIX):] for e in entries) == sorted([
        "enrolment.started.v1", "store.opened.v1", "sale.recorded.v1", "sale.recorded.v1", "sale.refunded.v1",
        "sale.refunded.v1", "training.attended.v1", "sale.corrected.v1"])
    refunds = sorted((e for e in entries if e["event_type"].endswith("refunded.v1")), key=lambda e: e["income_fen"])
    assert [(e["income_fen"], e["amount_fen"]) for e in refunds] == [(-30000, -30000), (-10000, -12000)]
    assert "减收 ¥100.00" in refunds[1]["title_zh"] and "income −¥100.00" in refunds[1]["title_en"]
    training = next(e for e in entries if e["event_type"].endswith("training.attended.v1"))
    assert "网店运营与直播带货" in training["title_zh"] and "2 人参加" in training["title_zh"]

    def settled():  # the summary is written after the history entries of a poll: it may lag them
        summary = file_of(system, hid)["summary"]
        return summary if summary["programs"].get("ecommerce", {}).get("events") == 8 else None
    summary = wait_until(settled, timeout=60, message="the registry's totals")
    assert summary["programs"]["ecommerce"] == {"status": "enrolled", "events": 8, "income_fen": 50000,
                                                "amount_fen": 60000}
    assert summary["total_income_fen"] == 50000

    # The program's own report for the month says the same.
    month = api(system, "get", "/api/reports/monthly?from=2026-11&to=2026-11&county=621202", user="auditor")
    [row] = month["rows"]
    assert (row["sales"], row["refunds"], row["households"]) == (2, 2, 1)
    assert (row["income_fen"], row["refund_income_fen"], row["net_income_fen"]) == (90000, 40000, 50000)
    # And each record keeps its own history.
    sale = api(system, "get", f"/api/sales/{own['id']}", user="auditor")
    assert [h["type"][len(PREFIX):] for h in sale["events"]] == ["sale.recorded.v1", "sale.refunded.v1",
                                                                  "sale.corrected.v1"]


def test_a_cooperative_store_reaches_every_household_it_buys_from(system, enrolled_household):
    ensure_running(system, *PROCESSES)
    first, second = enrolled_household["id"], enrolled(system)
    store = api(system, "post", "/api/stores", {
        "kind": "cooperative", "name": "陇南花椒合作社旗舰店", "platform": "jd", "owner_name": "武都区花椒专业合作社",
        "county_code": "621202", "committed_households": [first, second]}, expect=201)
    purchase = api(system, "post", "/api/sales", sale_for(second, channel="enterprise_purchase", store_id=store["id"],
                                                          amount_fen=50000, income_fen=50000), expect=201)
    assert purchase["store_id"] == store["id"]
    changed = api(system, "patch", f"/api/stores/{store['id']}", {
        "committed_households": [second], "reason": "该户改为自营网店", "version": store["version"]}, expect=200)
    assert changed["committed_households"] == [second]
    api(system, "post", f"/api/stores/{store['id']}/close", {"reason": "合作社停业"}, expect=200)
    api(system, "post", f"/api/stores/{store['id']}/close", {"reason": "again"}, expect=409)

    def kinds(hid, count):
        return sorted(e["event_type"][len(PREFIX):] for e in wait_events(system, hid, count)
                      if "commitment" in e["event_type"] or "store." in e["event_type"])
    assert kinds(first, 3) == ["commitment.ended.v1", "commitment.started.v1"]  # + enrolment
    assert kinds(second, 4) == ["commitment.started.v1", "store.closed.v1"]   # + enrolment, purchase
    ended = next(e for e in history(system, first) if e["event_type"].endswith("commitment.ended.v1"))
    assert ended["title_zh"] == "武都区花椒专业合作社不再收购本户产品：该户改为自营网店"


def test_an_unknown_household_is_refused_with_a_clear_error_and_nothing_is_written(system):
    ensure_running(system, "registry-relay", "ecommerce-households")
    unknown = "H621202ZZZZZZZZZZ"
    unknown_message = f"unknown household {unknown} (not in the registry's files known here)"  # 422 everywhere
    db = system.db("ecommerce")
    before = {c: db[c].count_documents({}) for c in ("sales", "stores")}

    r = api(system, "post", "/api/sales", sale_for(unknown), expect=422)
    assert r["errors"]["json"]["household_id"] == [unknown_message]
    r = api(system, "post", "/api/stores", {"kind": "household", "name": "店", "platform": "other",
                                             "household_id": unknown}, expect=422)
    assert r["errors"]["json"]["household_id"] == [unknown_message]
    r = api(system, "post", "/api/stores", {"kind": "enterprise", "name": "店", "platform": "other", "owner_name": "企业",
                                             "county_code": "621202", "committed_households": [unknown]}, expect=422)
    assert r["errors"]["json"]["committed_households"] == [unknown_message]

    known = new_household(system)["id"]   # known here once the read model has it, but not enrolled
    wait_until(lambda: db["households"].find_one({"_id": known}), timeout=60, message="the read model")
    r = api(system, "post", "/api/sales", sale_for(known), expect=409)
    assert r["errors"]["json"]["household_id"] == [f"household {known} is not enrolled in e-commerce"]
    session = api(system, "post", "/api/trainings", {"held_on": "2026-11-12", "village_code": "621202104201",
                                                     "village": "寺背村", "trainer": "张老师", "topic": "包装"}, expect=201)
    r = api(system, "post", f"/api/trainings/{session['id']}/attendance", {"household_id": unknown, "members": ["某人"]},
            expect=422)
    assert r["errors"]["json"]["household_id"] == [unknown_message]

    assert {c: db[c].count_documents({}) for c in ("sales", "stores")} == before
    assert api(system, "get", f"/api/trainings/{session['id']}", user="auditor")["attendance"] == []
    assert not db["trainings"].find_one({"_id": session["id"]}).get("outbox")   # nothing to publish
