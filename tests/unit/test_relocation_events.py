"""Relocation's event types: declared with their stage, money and risk; moving in tells the
registry where the household goes."""
from shared.events.catalogue import load_all_types
from shared.events.types import relocation as ev

HID = "H621202ABCDEFGHJK"
BASE = {"household_id": HID, "recorded_by": "banqian", "case_id": "R1", "site_id": "S1", "site_name": "城关安置点"}


def test_each_step_sets_the_relocation_stage():
    stages = {t.type.split(".")[-3] + "." + t.type.split(".")[-2]: dict(t.summary_set).get("relocation_stage")
              for t in load_all_types().for_program("relocation")}
    assert stages["case.opened"] == "enrolled"
    assert stages["housing.allocated"] == "housing_allocated"
    assert stages["case.moved_in"] == "moved_in"
    assert stages["employment.arranged"] == "supported"
    assert stages["land.reclaimed"] == "reclaimed"
    assert stages["training.completed"] is None and stages["subsidy.paid"] is None


def test_moving_in_names_the_village_the_household_moves_to():
    assert dict(ev.MOVED_IN.moves_household_to) == {"village_code": "site_village_code", "township": "site_township",
                                                    "village": "site_village"}
    assert all(not t.moves_household_to for t in load_all_types() if t is not ev.MOVED_IN)
    data = {**BASE, "unit": "3-201", "moved_in_on": "2026-05-01", "from_village_code": "621202100201",
            "site_village_code": "621202001001", "site_township": "城关镇", "site_village": "东江村"}
    assert ev.MOVED_IN.validate(data)
    assert ev.MOVED_IN.title(data, "zh") == "2026-05-01搬迁入住城关安置点（东江村）3-201"


def test_subsidies_are_money_and_no_job_is_a_risk():
    data = {**BASE, "subsidy_id": "P1", "kind": "housing", "amount_fen": 2_000_000, "paid_on": "2026-05-01"}
    assert ev.SUBSIDY_PAID.amount_fen(ev.SUBSIDY_PAID.validate(data)) == 2_000_000
    assert ev.SUBSIDY_PAID.income_fen(data) == 0
    assert ev.NO_EMPLOYMENT.risk == "relocated_without_employment"
