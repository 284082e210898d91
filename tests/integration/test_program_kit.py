"""What every program service shares: the households read model from the registry's
compacted topic, and enrolment with its rules and events."""
from tests.integration.conftest import ensure_running
from tests.integration.registry_support import new_household, post
from tests.support import wait_until


def _enrol(system, hid, user="ecommerce_op"):
    return system.client("ecommerce").post("/api/enrolments", json={"household_id": hid}, headers=system.headers(user))


def test_an_unknown_household_is_refused_with_a_clear_error(system):
    r = _enrol(system, "H621202ZZZZZZZZZZ")
    assert r.status_code == 422  # bad input in every program (shared.programs.households)
    assert r.get_json()["errors"]["json"]["household_id"] == ["unknown household H621202ZZZZZZZZZZ (not in the registry's files known here)"]
    assert system.db("ecommerce")["enrolments"].count_documents({}) == 0


def test_enrolment_follows_the_registry_and_publishes_its_events(system):
    ensure_running(system, "registry-relay", "ecommerce-households", "ecommerce-relay", "registry-consumer")
    hid = new_household(system)["id"]
    known = wait_until(lambda: system.client("ecommerce").get(f"/api/households/{hid}", headers=system.headers("auditor"))
                       .get_json() if system.db("ecommerce")["households"].find_one({"_id": hid}) else None,
                       message="the household in the read model")
    assert known["head_name"] == "王建国" and known["village"] == "寺背村" and known["status"] == "identified"

    assert _enrol(system, hid, "tourism_op").status_code == 403  # another program's operator
    assert _enrol(system, hid).status_code == 201
    again = _enrol(system, hid)
    assert again.status_code == 409 and "already enrolled" in again.get_json()["message"]
    ended = system.client("ecommerce").post(f"/api/enrolments/{hid}/end", json={"reason": "store closed"},
                                            headers=system.headers("ecommerce_op"))
    assert ended.status_code == 200 and ended.get_json()["status"] == "exited"
    assert _enrol(system, hid).status_code == 201  # a second period
    doc = system.client("ecommerce").get(f"/api/enrolments/{hid}", headers=system.headers("auditor")).get_json()
    assert [p["enrolment_id"] for p in doc["periods"]] == [f"ecommerce:{hid}:1", f"ecommerce:{hid}:2"]

    # The registry sees enrolled → exited → enrolled.
    def programs():
        r = system.client("registry").get(f"/api/households/{hid}/programs", headers=system.headers("auditor")).get_json()
        return r if r["programs"] and r["programs"][0]["events"] == 3 else None
    assert wait_until(programs, timeout=60, message="three enrolment events in the registry")["programs"][0]["status"] == "enrolled"


def test_a_removed_household_cannot_be_enrolled(system):
    ensure_running(system, "registry-relay", "ecommerce-households")
    hid = new_household(system)["id"]
    request = post(system, f"/api/households/{hid}/change-requests", {
        "kind": "remove_household", "reason": "wrongly identified", "payload": {"reason": "income above the line"}},
        expect=201)
    post(system, f"/api/change-requests/{request['id']}/decision", {"decision": "approve"}, user="county_wudu")
    wait_until(lambda: (system.db("ecommerce")["households"].find_one({"_id": hid}) or {}).get("status") == "removed",
               timeout=60, message="the removal in the read model")
    r = _enrol(system, hid)
    assert r.status_code == 409 and "removed" in r.get_json()["message"]
