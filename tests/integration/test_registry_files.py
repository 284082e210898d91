"""Household files: protected ID numbers, deduplication, change requests with approval,
the as-of view and the audit trail."""
from datetime import date, timedelta

import pytest

from tests.integration.registry_support import get, id_number, new_household, post, wait_history
from tests.support import USERS


@pytest.fixture(scope="module", autouse=True)
def pipeline(system):
    for name in ("registry-consumer", "registry-relay"):
        system.procs.start(name)


def test_id_numbers_are_stored_protected_and_shown_masked_except_to_roles_that_need_them(system):
    number = id_number(1968, seed=1)
    household = new_household(system, members=[{"name": "张德福", "relation": "head", "sex": "male",
                                                "birth_year": 1968, "id_number": number}])
    hid = household["id"]
    stored = system.db("registry")["households"].find_one({"_id": hid})
    assert number not in str(stored)  # neither in clear in the file …
    assert number not in str(list(system.db("registry")["persons"].find()))  # … nor in the claims
    masked = get(system, f"/api/households/{hid}", "auditor")["members"][0]["id_number"]
    assert masked == number[:6] + "********" + number[-4:]
    assert get(system, f"/api/households/{hid}", "ecommerce_op")["members"][0]["id_number"] == masked
    assert get(system, f"/api/households/{hid}", "county_wudu")["members"][0]["id_number"] == number
    assert get(system, f"/api/households/{hid}", "central")["members"][0]["id_number"] == number


def test_a_person_belongs_to_at_most_one_household(system):
    number = id_number(1975, seed=2)
    first = new_household(system, members=[{"name": "赵军", "relation": "head", "sex": "male", "birth_year": 1975,
                                            "id_number": number}])
    r = system.client("registry").post("/api/households", headers=system.headers("central"), json={
        "village_code": "621202104202", "township": "汉王镇", "village": "柳园村", "main_cause": "disaster",
        "income_per_capita_fen": 100000,
        "members": [{"name": "赵军", "relation": "head", "sex": "male", "birth_year": 1975, "id_number": number}]})
    assert r.status_code == 409
    assert r.get_json()["household_id"] == first["id"]
    assert first["id"] in r.get_json()["message"]


def test_bad_id_numbers_are_named_per_member(system):
    bad = id_number(1980, seed=3)[:-1] + ("0" if id_number(1980, seed=3)[-1] != "0" else "1")
    r = system.client("registry").post("/api/households", headers=system.headers("central"), json={
        "village_code": "621202104202", "township": "汉王镇", "village": "柳园村", "main_cause": "disaster",
        "income_per_capita_fen": 100000,
        "members": [{"name": "甲", "relation": "head", "sex": "male", "birth_year": 1980, "id_number": bad},
                    {"name": "乙", "relation": "head", "sex": "male", "birth_year": 1990}]})
    assert r.status_code == 422
    members = r.get_json()["errors"]["json"]["members"]
    assert "check digit" in members["0"]["id_number"][0]
    assert "exactly one head" in members["_schema"][0]


def test_a_change_goes_through_a_request_approved_by_the_county(system):
    household = new_household(system, user="county_wudu")
    hid, spouse = household["id"], household["members"][1]["member_id"]
    request = post(system, f"/api/households/{hid}/change-requests", {
        "kind": "edit_member", "reason": "diagnosed at the county hospital",
        "payload": {"member_id": spouse, "fields": {"health": "serious_illness"}}}, user="cadre_wudu", expect=201)
    assert request["status"] == "proposed"
    assert get(system, f"/api/households/{hid}")["version"] == 1  # nothing changes before approval

    post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"},
         user="cadre_wudu", expect=403)  # a village cadre proposes, never approves
    post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"},
         user="county_wenxian", expect=403)  # another county
    decided = post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve", "note": "ok"},
                   user="county_wudu")
    assert decided["status"] == "applied" and decided["decided_by"] == "county_wudu"
    post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"},
         user="county_wudu", expect=409)  # once only

    file = get(system, f"/api/households/{hid}")
    assert file["version"] == 2 and file["members"][1]["health"] == "serious_illness"
    entries = wait_history(system, hid, 2, program="registry")
    change = next(e for e in entries if e["event_type"].endswith("household.changed.v1"))
    assert change["recorded_by"] == "county_wudu"
    assert change["data"]["reason"] == "diagnosed at the county hospital"
    assert change["data"]["changes"] == [{"field": f"members.{spouse}.health", "old": "healthy", "new": "serious_illness"}]
    audit = get(system, "/api/audit", "auditor")
    assert any(a["event_id"] == change["_id"] for a in audit)


def test_invalid_change_requests_are_refused_and_nothing_is_proposed(system):
    household = new_household(system)
    hid, head = household["id"], household["head_member_id"]
    count = system.db("registry")["change_requests"].count_documents({})
    bad = post(system, f"/api/households/{hid}/change-requests", {
        "kind": "edit_member", "reason": "x", "payload": {"member_id": "nobody", "fields": {"health": "fine"}}},
        expect=422)
    assert set(bad["errors"]["json"]["payload"]) == {"member_id", "fields"}
    refused = post(system, f"/api/households/{hid}/change-requests", {
        "kind": "remove_member", "reason": "moved away", "payload": {"member_id": head}}, expect=422)
    assert "head" in refused["message"]
    post(system, f"/api/households/{hid}/change-requests", {
        "kind": "edit_fields", "reason": "x", "payload": {"fields": {}}}, user="auditor", expect=403)
    assert system.db("registry")["change_requests"].count_documents({}) == count


def test_transfer_and_split_move_members_and_their_identity(system):
    number = id_number(1995, seed=4)
    source = new_household(system, members=[
        {"name": "孙明", "relation": "head", "sex": "male", "birth_year": 1960},
        {"name": "孙芳", "relation": "child", "sex": "female", "birth_year": 1995, "id_number": number},
        {"name": "孙军", "relation": "child", "sex": "male", "birth_year": 1992}])
    target = new_household(system, head="周海燕")
    sid, fang, jun = source["id"], source["members"][1]["member_id"], source["members"][2]["member_id"]

    transfer = post(system, f"/api/households/{sid}/change-requests", {
        "kind": "transfer_member", "reason": "marriage", "payload": {"member_id": fang, "to_household_id": target["id"]}},
        expect=201)
    post(system, f"/api/change-requests/{transfer['id']}/decision", {"decision": "approve"}, user="county_wudu")
    assert [m["name"] for m in get(system, f"/api/households/{sid}")["members"]] == ["孙明", "孙军"]
    assert "孙芳" in [m["name"] for m in get(system, f"/api/households/{target['id']}")["members"]]
    # Her ID number now points at her new household.
    again = system.client("registry").post("/api/households", headers=system.headers("central"), json={
        "village_code": "621202104201", "township": "汉王镇", "village": "寺背村", "main_cause": "illness",
        "income_per_capita_fen": 1, "members": [{"name": "孙芳", "relation": "head", "sex": "female",
                                                 "birth_year": 1995, "id_number": number}]})
    assert again.status_code == 409 and again.get_json()["household_id"] == target["id"]

    split = post(system, f"/api/households/{sid}/change-requests", {
        "kind": "split", "reason": "son married and lives apart",
        "payload": {"member_ids": [jun], "new_head_member_id": jun}}, expect=201)
    applied = post(system, f"/api/change-requests/{split['id']}/decision", {"decision": "approve"}, user="county_wudu")
    new_id = split["payload"]["new_household_id"]
    assert applied["applied_to"] == [sid, new_id] or set(applied["applied_to"]) == {sid, new_id}
    new = get(system, f"/api/households/{new_id}")
    assert new["head_name"] == "孙军" and new["village_code"] == source["village_code"]
    assert [m["name"] for m in get(system, f"/api/households/{sid}")["members"]] == ["孙明"]


def test_the_file_as_it_stood_on_a_past_date(system):
    household = new_household(system)
    hid = household["id"]
    request = post(system, f"/api/households/{hid}/change-requests", {
        "kind": "move_area", "reason": "relocated", "payload": {
            "village_code": "621202101203", "township": "安化镇", "village": "新联村"}}, expect=201)
    post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"}, user="county_wudu")
    wait_history(system, hid, 2, program="registry")
    today = date.today()
    assert get(system, f"/api/households/{hid}/as-of?date={today}")["village"] == "新联村"
    versions = list(system.db("registry")["household_versions"].find({"household_id": hid}))
    assert sorted(v["version"] for v in versions) == [1, 2]
    # Make version 2 start tomorrow in the store: "today" must then show version 1.
    system.db("registry")["household_versions"].update_one(
        {"household_id": hid, "version": 2}, {"$set": {"valid_from": (today + timedelta(days=1)).isoformat()}})
    old = get(system, f"/api/households/{hid}/as-of?date={today}")
    assert old["village"] == "寺背村" and old["version"] == 1
    r = system.client("registry").get(f"/api/households/{hid}/as-of?date=2001-01-01", headers=system.headers("central"))
    assert r.status_code == 404


def test_which_programs_is_a_person_in_found_by_id_number(system):
    number = id_number(1983, seed=5)
    household = new_household(system, members=[{"name": "吴桂兰", "relation": "head", "sex": "female",
                                                "birth_year": 1983, "id_number": number}])
    found = post(system, "/api/beneficiaries/search", {"id_number": number}, user="auditor")
    assert found["household_id"] == household["id"] and found["status"] == "identified"
    assert found["programs"] == []
    post(system, "/api/beneficiaries/search", {"id_number": number}, user="county_wenxian", expect=403)
    post(system, "/api/beneficiaries/search", {"id_number": id_number(1983, seed=6)}, expect=404)
