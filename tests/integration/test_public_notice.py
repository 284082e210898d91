"""The exit's public notice, public (issue 18): each village's and township's notice opens
without a login, with names partly masked and never an ID number; an objection lodged there
is recorded, seen by the county and holds the notice; the daily task ends the notices whose
days have passed, once."""
import pytest

from tests.integration.hardening_support import login_session
from tests.integration.registry_support import (READY_TO_EXIT, exit_steps, get, id_number, new_household, post,
                                                run_task, start_exit_pipeline, wait_history)

VILLAGE = "621202104201"
TOWNSHIP = VILLAGE[:9]
UP_TO_THE_NOTICE = ("propose_exit", "township_check", "county_approve")


@pytest.fixture(scope="module", autouse=True)
def pipeline(system):
    start_exit_pipeline(system, VILLAGE)


def in_notice(system, head="张小明", **fields) -> dict:
    household = new_household(system, head=head, **READY_TO_EXIT, **fields)
    exit_steps(system, household["id"], UP_TO_THE_NOTICE)
    return household


def lodge(client, code, household_id, address="203.0.113.7", **fields):
    """Open the notice page as anyone (its form's CSRF token is the session's) and lodge."""
    client.get(f"/notices/{code}")
    with client.session_transaction() as session:
        token = session["csrf"]
    form = {"csrf_token": token, "household_id": household_id, "name": "李四", "contact": "13800000000",
            "text": "该户家中仍有重病人，收入不稳定", **fields}
    return client.post(f"/notices/{code}/objections", data=form, environ_base={"REMOTE_ADDR": address})


def test_anyone_reads_the_notice_with_names_masked_and_no_id_number(system):
    number = id_number(1968, seed=18)
    members = [{"name": "张小明", "relation": "head", "sex": "male", "birth_year": 1968, "id_number": number},
               {"name": "李秀英", "relation": "spouse", "sex": "female", "birth_year": 1970}]
    household = in_notice(system, members=members)
    anyone = system.client("registry")
    for code in (VILLAGE, TOWNSHIP):
        r = anyone.get(f"/notices/{code}")
        assert r.status_code == 200, code
        page = r.get_data(as_text=True)
        assert f'data-household="{household["id"]}"' in page and "张*明" in page
        assert "张小明" not in page and "李秀英" not in page
        assert number not in page and number[-4:] not in page and number[:6] + "*" not in page
        until = get(system, f"/api/households/{household['id']}")["exit"]["notice_until"]
        assert until in page
    assert "公示" in anyone.get(f"/notices/{VILLAGE}?lang=zh_CN").get_data(as_text=True)
    assert "Public notice of exits from poverty" in anyone.get(f"/notices/{VILLAGE}?lang=en").get_data(as_text=True)
    for unknown in ("621202104299", "abc", "621202", "62120210420"):
        assert anyone.get(f"/notices/{unknown}").status_code == 404


def test_an_objection_is_recorded_seen_by_the_county_and_holds_the_notice(system):
    household = in_notice(system, head="欧阳小明")
    hid = household["id"]
    anyone = system.client("registry")
    assert "欧**明" in anyone.get(f"/notices/{VILLAGE}").get_data(as_text=True)
    assert lodge(anyone, VILLAGE, hid, text="").status_code == 422                 # no text
    assert lodge(anyone, VILLAGE, "621202000000000X").status_code == 422           # not in this notice
    r = lodge(anyone, TOWNSHIP, hid)
    assert r.status_code == 302, r.get_data(as_text=True)
    objections = get(system, f"/api/households/{hid}/objections", "county_wudu")
    assert [(o["name"], o["contact"], o["text"]) for o in objections] == [("李四", "13800000000", "该户家中仍有重病人，收入不稳定")]
    assert get(system, f"/api/households/{hid}/exit-assessment", "county_wudu")["objections"][0]["text"].startswith("该户")
    r = system.client("registry").get(f"/api/households/{hid}/objections", headers=system.headers("county_wenxian"))
    assert r.status_code == 403
    county = system.client("registry")
    login_session(county, "county_wudu")
    page = county.get(f"/households/{hid}?lang=en").get_data(as_text=True)
    assert 'data-testid="objections"' in page and "13800000000" in page
    # Not without the form's token: the page's CSRF check holds for anyone.
    r = system.client("registry").post(f"/notices/{VILLAGE}/objections", data={"household_id": hid, "name": "x",
                                                                              "contact": "y", "text": "z"})
    assert r.status_code == 403
    # The county may then send the exit back with the existing step.
    post(system, f"/api/households/{hid}/exit-steps", {"step": "object", "reason": "群众异议属实"}, user="cadre_wudu")
    assert get(system, f"/api/households/{hid}")["status"] == "assisted"


def test_lodging_is_limited_per_address(system):
    hid = in_notice(system, head="王五")["id"]
    anyone = system.client("registry")
    codes = [lodge(anyone, VILLAGE, hid, address="198.51.100.9").status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    assert lodge(anyone, VILLAGE, hid, address="198.51.100.10").status_code == 302   # another address
    assert len(get(system, f"/api/households/{hid}/objections")) == 6


def test_the_daily_task_ends_due_notices_once_and_holds_those_objected_to(system):
    due = in_notice(system, head="赵六")["id"]
    objected = in_notice(system, head="钱七")["id"]
    assert lodge(system.client("registry"), VILLAGE, objected, address="192.0.2.1").status_code == 302
    first = run_task(system, "services.registry.notices", "finish-due")
    assert due in first["finished"] and objected not in first["finished"]
    assert get(system, f"/api/households/{due}")["status"] == "exited"
    assert get(system, f"/api/households/{due}")["exit"]["taken_by"]["finish_notice"] == "system"
    assert get(system, f"/api/households/{objected}")["status"] == "public_notice"
    second = run_task(system, "services.registry.tasks", "finish-due")
    assert second["finished"] == []
    entries = wait_history(system, due, 5, program="registry")   # identified, the three steps, the end
    assert [e["data"].get("step") for e in entries].count("finish_notice") == 1
    assert f'data-household="{due}"' not in system.client("registry").get(f"/notices/{VILLAGE}").get_data(as_text=True)
