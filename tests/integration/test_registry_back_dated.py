"""Paper records typed in later (issue 19): a file identified and an exit taken months ago
are dated on their days — the history, the versions and the month the statistics count them
in — while a day in the future, before 2014 or before the file's last step is refused."""
from datetime import date, timedelta

import pytest

from tests.integration.registry_support import READY_TO_EXIT, get, new_household, post, wait_history

VILLAGE = "621202104201"


@pytest.fixture(scope="module", autouse=True)
def pipeline(system):
    for name in ("registry-consumer", "registry-relay"):
        system.procs.start(name)
    r = system.client("registry").put("/api/areas", headers=system.headers("central"), json={
        "areas": [{"code": "621202", "name": "武都区"}, {"code": VILLAGE, "name": "寺背村", "population": 1000}]})
    assert r.status_code == 200, r.get_json()


def test_a_file_and_its_exit_typed_in_later_happened_on_their_days(system):
    identified = date(2025, 3, 10)
    hid = new_household(system, identified_on=identified.isoformat(), **READY_TO_EXIT)["id"]
    assert get(system, f"/api/households/{hid}")["identified_on"] == "2025-03-10"
    steps = [("propose_exit", date(2025, 11, 12)), ("township_check", date(2025, 11, 20)),
             ("county_approve", date(2025, 11, 28)), ("finish_notice", date(2025, 12, 6))]
    for step, day in steps:
        post(system, f"/api/households/{hid}/exit-steps", {"step": step, "on": day.isoformat(), "reason": "补录纸质档案"})
    file = get(system, f"/api/households/{hid}")
    assert file["status"] == "exited" and file["exit"]["last_step_on"] == "2025-12-06"

    entries = sorted(wait_history(system, hid, 5), key=lambda e: e["occurred_at"])
    assert [e["occurred_at"] for e in entries] == [f"{day.isoformat()}T04:00:00.000Z"
                                                   for day in (identified, *(d for _, d in steps))]
    # Counted in the months they happened: one identified in March, one exit in December.
    stats = system.db("registry")["stats"]
    assert stats.find_one({"area": VILLAGE, "group": "registry", "month": "2025-03"})["identified"] >= 1
    assert stats.find_one({"area": VILLAGE, "group": "registry", "month": "2025-12"})["exits"] >= 1
    # The file as it stood on a day between: identified, not yet proposed.
    assert get(system, f"/api/households/{hid}/as-of?date=2025-06-01")["status"] == "identified"


def test_the_public_notice_runs_from_the_day_of_the_approval(system):
    hid = new_household(system, identified_on="2025-01-05", **READY_TO_EXIT)["id"]
    for step, day in (("propose_exit", "2025-11-03"), ("township_check", "2025-11-10"), ("county_approve", "2025-11-20")):
        post(system, f"/api/households/{hid}/exit-steps", {"step": step, "on": day, "reason": "补录"})
    assert get(system, f"/api/households/{hid}")["exit"]["notice_until"] == "2025-11-27"
    post(system, f"/api/households/{hid}/exit-steps", {"step": "finish_notice", "on": "2025-11-25", "reason": "补录"},
         expect=409)
    post(system, f"/api/households/{hid}/exit-steps", {"step": "finish_notice", "on": "2025-11-27", "reason": "补录"})


@pytest.mark.parametrize("day", [(date.today() + timedelta(days=1)).isoformat(), "2013-12-31"])
def test_a_day_in_the_future_or_before_the_programme_is_refused(system, day):
    r = system.client("registry").post("/api/households", headers=system.headers("central"), json={
        "village_code": VILLAGE, "township": "汉王镇", "village": "寺背村", "main_cause": "illness",
        "income_per_capita_fen": 210000, "identified_on": day,
        "members": [{"name": "王建国", "relation": "head", "sex": "male", "birth_year": 1968}]})
    assert r.status_code == 422 and "identified_on" in r.get_json()["errors"]["json"], r.get_json()
    hid = new_household(system)["id"]
    refused = post(system, f"/api/households/{hid}/exit-steps", {"step": "start_assistance", "on": day}, expect=422)
    assert "on" in refused["errors"]["json"]


def test_a_step_is_never_dated_before_the_one_it_follows(system):
    hid = new_household(system, identified_on="2025-05-01", **READY_TO_EXIT)["id"]
    post(system, f"/api/households/{hid}/exit-steps", {"step": "start_assistance", "on": "2025-04-30"}, expect=409)
    post(system, f"/api/households/{hid}/exit-steps", {"step": "start_assistance", "on": "2025-05-20"})
    post(system, f"/api/households/{hid}/exit-steps", {"step": "propose_exit", "on": "2025-05-19", "reason": "补录"},
         expect=409)
    assert get(system, f"/api/households/{hid}")["status"] == "assisted"
