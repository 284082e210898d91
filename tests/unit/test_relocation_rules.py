"""Relocation rules in pure logic: area and self-paid caps, the order of the lifecycle (every
legal and illegal step), subsidies by stage, site capacity, and the no-job risk rule."""
from datetime import date

import pytest

from shared.events.types.relocation import STAGES
from services.relocation.domain import lifecycle as rules
from shared.programs.refused import Refused
from services.relocation.domain.policy import Policy
from services.relocation.domain.report import relocation_report
from services.relocation.domain.sites import check_capacity_edit, check_room, occupancy

POLICY = Policy()
LEGAL = {
    ("enrolled", "allocate_housing"): "housing_allocated",
    ("housing_allocated", "move_in"): "moved_in",
    ("moved_in", "arrange_employment"): "supported",
    ("supported", "arrange_employment"): "supported",
    ("moved_in", "record_training"): "moved_in",
    ("supported", "record_training"): "supported",
    ("reclaimed", "record_training"): "reclaimed",
    ("supported", "reclaim_land"): "reclaimed",
}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("step", list(rules.STEPS))
def test_every_step_from_every_stage_is_allowed_or_refused_with_the_reason(stage, step):
    if (stage, step) in LEGAL:
        assert rules.next_stage(stage, step) == LEGAL[(stage, step)]
        assert step in rules.allowed_steps(stage)
    else:
        with pytest.raises(Refused) as refused:
            rules.next_stage(stage, step)
        assert refused.value.status == 409
        assert f"stage '{stage}'" in refused.value.message and rules.NEEDS[step] in refused.value.message
        assert step not in rules.allowed_steps(stage)


def test_the_whole_lifecycle_in_order_and_an_unknown_step():
    stage = "enrolled"
    for step in ("allocate_housing", "move_in", "record_training", "arrange_employment", "reclaim_land"):
        stage = rules.next_stage(stage, step)
    assert stage == "reclaimed"
    with pytest.raises(Refused) as refused:
        rules.next_stage("enrolled", "teleport")
    assert (refused.value.status, refused.value.field) == (422, "step")


def test_moving_in_before_housing_says_housing_comes_first():
    with pytest.raises(Refused, match="housing must be allocated first"):
        rules.next_stage("enrolled", "move_in")
    with pytest.raises(Refused, match="one household, one job"):
        rules.next_stage("moved_in", "reclaim_land")


@pytest.mark.parametrize("people, area, ok", [(1, 25, True), (1, 26, False), (4, 100, True), (4, 101, False),
                                              (3, 1, True)])
def test_at_most_25_square_metres_per_person(people, area, ok):
    if ok:
        rules.check_allocation(area, people, 0, POLICY)
    else:
        with pytest.raises(Refused) as refused:
            rules.check_allocation(area, people, 0, POLICY)
        assert refused.value.field == "area_m2" and refused.value.status == 422
        assert f"{people * 25} m² for {people} people" in refused.value.message


def test_the_area_cap_is_a_setting():
    rules.check_allocation(60, 2, 0, Policy(max_m2_per_person=30))
    with pytest.raises(Refused):
        rules.check_allocation(61, 2, 0, Policy(max_m2_per_person=30))
    assert Policy.from_env({"RELOCATION_MAX_M2_PER_PERSON": "20"}).max_m2_per_person == 20
    with pytest.raises(ValueError, match="RELOCATION_MAX_M2_PER_PERSON"):
        Policy.from_env({"RELOCATION_MAX_M2_PER_PERSON": "lots"})


def test_self_paid_share_is_capped_at_10000_yuan_by_default():
    rules.check_allocation(50, 2, 1_000_000, POLICY)
    with pytest.raises(Refused) as refused:
        rules.check_allocation(50, 2, 1_000_001, POLICY)
    assert refused.value.field == "self_paid_fen" and "¥10,000.00" in refused.value.message
    with pytest.raises(Refused):
        rules.check_allocation(50, 2, 300_001, Policy(self_paid_cap_fen=300_000))
    assert Policy.from_env({"RELOCATION_SELF_PAID_CAP_FEN": "500000"}).self_paid_cap_fen == 500_000


def test_step_dates_are_not_in_the_future_nor_before_the_step_they_follow():
    today = date(2026, 6, 1)
    rules.check_day(date(2026, 6, 1), today, "moved_in_on", "2026-05-01", "the allocation")
    with pytest.raises(Refused, match="future") as refused:
        rules.check_day(date(2026, 6, 2), today, "moved_in_on")
    assert refused.value.field == "moved_in_on"
    with pytest.raises(Refused, match=r"before the allocation \(2026-05-01\)"):
        rules.check_day(date(2026, 4, 30), today, "moved_in_on", "2026-05-01", "the allocation")


@pytest.mark.parametrize("kind, first_stage", [("housing", "housing_allocated"), ("moving", "moved_in"),
                                               ("follow_up", "supported"), ("reclamation", "reclaimed")])
def test_each_subsidy_is_paid_once_from_its_stage_on(kind, first_stage):
    for stage in STAGES:
        case = {"stage": stage, "subsidies": []}
        if STAGES.index(stage) >= STAGES.index(first_stage):
            rules.check_subsidy(case, kind)
            with pytest.raises(Refused, match="already paid"):
                rules.check_subsidy({**case, "subsidies": [{"kind": kind}]}, kind)
        else:
            with pytest.raises(Refused, match=f"from stage '{first_stage}'"):
                rules.check_subsidy(case, kind)


SITE = {"name": "城关安置点", "capacity_households": 2, "capacity_m2": 200}


def test_a_site_holds_its_capacity_in_households_and_square_metres():
    check_room(SITE, 200)
    check_room({**SITE, "households_allocated": 1, "m2_allocated": 100}, 100)
    with pytest.raises(Refused, match="is full") as full:
        check_room({**SITE, "households_allocated": 2, "m2_allocated": 100}, 10)
    assert full.value.field == "site_id"
    with pytest.raises(Refused, match="has 20 m² of housing left, not 21") as small:
        check_room({**SITE, "households_allocated": 1, "m2_allocated": 180}, 21)
    assert small.value.field == "area_m2"
    assert occupancy({**SITE, "households_allocated": 1, "m2_allocated": 150}) == {
        "households": 1, "m2": 150, "households_percent": 50.0, "m2_percent": 75.0}
    with pytest.raises(Refused):
        check_capacity_edit({**SITE, "households_allocated": 2}, 1, 200)


def test_moved_in_without_a_job_for_six_months_is_a_risk_once():
    case = {"stage": "moved_in", "moved_in_on": "2026-01-31", "risk_raised": False}
    assert not rules.no_job_risk_due(case, date(2026, 7, 30), 6)
    assert rules.no_job_risk_due(case, date(2026, 7, 31), 6)
    assert rules.no_job_risk_due(case, date(2027, 1, 1), 6)
    assert not rules.no_job_risk_due({**case, "risk_raised": True}, date(2027, 1, 1), 6)
    for stage in ("enrolled", "housing_allocated", "supported", "reclaimed"):
        assert not rules.no_job_risk_due({**case, "stage": stage}, date(2027, 1, 1), 6)
    assert rules.no_job_risk_due(case, date(2026, 3, 31), 2)
    assert not rules.no_job_risk_due(case, date(2026, 3, 30), 2)
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert Policy.from_env({"RELOCATION_NO_JOB_MONTHS": "3"}).no_job_months == 3


def test_the_report_counts_moves_by_site_and_month_occupancy_and_employment():
    sites = [{"_id": "S1", "name": "甲", "kind": "centralized", "capacity_households": 4, "capacity_m2": 400,
              "households_allocated": 3, "m2_allocated": 200},
             {"_id": "S2", "name": "乙", "kind": "dispersed", "capacity_households": 1, "capacity_m2": 100}]
    cases = [{"site_id": "S1", "site_name": "甲", "stage": "moved_in", "moved_in_month": "2026-03", "people": 3},
             {"site_id": "S1", "site_name": "甲", "stage": "supported", "moved_in_month": "2026-03", "people": 2,
              "employed": True},
             {"site_id": "S1", "site_name": "甲", "stage": "reclaimed", "moved_in_month": "2025-12", "people": 4,
              "employed": True},
             {"site_id": "S1", "site_name": "甲", "stage": "housing_allocated", "people": 5}]
    report = relocation_report(cases, sites, ["2026-02", "2026-03"])
    assert report["rows"] == [{"month": "2026-03", "site_id": "S1", "site_name": "甲", "households": 2, "people": 5}]
    assert report["months"][0] == {"month": "2026-02", "households": 0, "people": 0}
    assert report["total"] == {"households": 2, "people": 5, "relocated": 3, "employed": 2, "employment_rate": 66.7}
    first, second = report["sites"]
    assert (first["households_percent"], first["m2_percent"], first["relocated"], first["employment_rate"]) == \
        (75.0, 50.0, 3, 66.7)
    assert (second["households"], second["relocated"], second["employment_rate"]) == (0, 0, 0.0)
