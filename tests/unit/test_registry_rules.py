"""The registry's rules, pure: exit criteria by year, the workflow, incidence, areas,
change requests, ID numbers and member checks."""
from datetime import date

import pytest

from services.registry.domain import change_requests as cr
from services.registry.domain import exit_rules as er
from services.registry.domain.areas import (COUNTRY, contains, incidence_threshold, level_of, parent_of, path_of,
                                            prefix_of)
from services.registry.domain.assistance import serious_illness_risk, status_counts
from services.registry.domain.dashboard import incidence_figures, poor_people
from services.registry.domain.households import member_problems
from services.registry.domain.id_numbers import birth_year, check_digit, mask, problem

ALL = {g: True for g in er.GUARANTEES}


@pytest.mark.parametrize("year, line_yuan", [(2010, 2300), (2014, 2800), (2016, 2952), (2020, 4000), (2026, 4000)])
def test_poverty_line_by_year(year, line_yuan):
    assert er.poverty_line_fen(year) == line_yuan * 100


def test_poverty_lines_are_a_setting():
    lines = er.parse_lines("2014:3000, 2020:4500")
    assert er.poverty_line_fen(2016, lines) == 300000 and er.poverty_line_fen(2021, lines) == 450000
    with pytest.raises(ValueError):
        er.poverty_line_fen(2009, lines)


def test_exit_needs_income_above_the_line_and_every_guarantee():
    assert er.exit_problems(280001, ALL, 2014) == []
    assert "poverty line" in str(er.exit_problems(280000, ALL, 2014)[0])  # at the line is not above it
    problems = er.exit_problems(500000, {**ALL, "safe_housing": False, "food": False}, 2020)
    assert [str(p) for p in problems] == ["not yet guaranteed: food, safe_housing"]
    assert [p.code for p in problems] == [er.NOT_GUARANTEED]


def test_the_exit_workflow_in_order():
    today = date(2026, 11, 1)
    step = er.next_step("assisted", "propose_exit", today)
    assert (step.from_status, step.to_status) == ("assisted", "exit_proposed")
    assert er.next_step("exit_proposed", "township_check", today).to_status == "township_checked"
    approval = er.next_step("township_checked", "county_approve", today, notice_days=7)
    assert approval.to_status == "public_notice" and approval.notice_until == "2026-11-08"
    with pytest.raises(er.StepRefused, match="runs until 2026-11-08"):
        er.next_step("public_notice", "finish_notice", date(2026, 11, 7), "2026-11-08")
    assert er.next_step("public_notice", "finish_notice", date(2026, 11, 8), "2026-11-08").to_status == "exited"
    assert er.next_step("public_notice", "object", today).to_status == "assisted"
    assert er.next_step("exited", "return_to_poverty", today).to_status == "returned"


@pytest.mark.parametrize("status, step", [("identified", "county_approve"), ("exited", "propose_exit"),
                                          ("removed", "propose_exit"), ("assisted", "finish_notice")])
def test_illegal_steps_are_refused_with_what_is_possible(status, step):
    with pytest.raises(er.StepRefused, match="possible"):
        er.next_step(status, step, date(2026, 1, 1))


def test_households_in_the_exit_procedure_still_count_as_poor():
    assert all(er.is_poor(s) for s in ("identified", "assisted", "returned", "exit_proposed", "public_notice"))
    assert not er.is_poor("exited") and not er.is_poor("removed")


def test_incidence_against_the_western_and_other_thresholds():
    assert incidence_threshold("621202") == 0.03 and incidence_threshold("330100") == 0.02
    figures = incidence_figures("621202", {"identified": 20, "exited": 100, "public_notice": 5}, 1000)
    assert figures["poor_people"] == 25 and figures["incidence"] == 0.025 and figures["below_threshold"]
    assert not incidence_figures("330100", {"assisted": 25}, 1000)["below_threshold"]
    assert incidence_figures("621202", {"assisted": 3}, 0)["incidence"] == 0.0
    assert poor_people({"removed": 9, "exited": 1}) == 0


def test_areas_from_codes():
    path = path_of("621202100201")
    assert path == {"province": "620000", "prefecture": "621200", "county": "621202",
                    "township": "621202100", "village": "621202100201"}
    assert [level_of(c) for c in path.values()] == ["province", "prefecture", "county", "township", "village"]
    assert parent_of("621202100") == "621202"
    # Above the provinces, the whole country (the central office's dashboard); nothing above it.
    assert parent_of("620000") == COUNTRY and level_of(COUNTRY) == "country" and parent_of(COUNTRY) is None
    assert prefix_of("621200") == "6212" and prefix_of("621220") == "621220"  # a county ending in 0
    assert prefix_of(COUNTRY) == "" and contains(COUNTRY, "621202100201")
    assert contains("621200", "621202100201") and not contains("621221", "621202100201")


def test_id_numbers_check_digit_mask_and_birth_year():
    first17 = "62120219800315001"
    number = first17 + check_digit(first17)
    assert problem(number) is None and birth_year(number) == 1980
    assert mask(number) == "621202********" + number[-4:]
    wrong = first17 + ("0" if number[-1] != "0" else "1")
    assert "check digit" in problem(wrong)
    assert "18-character" in problem("12345")
    assert problem(number.lower()) is None  # a lower-case x is accepted


def test_member_rules_one_head_matching_unique_id_numbers():
    first17 = "62120219800315001"
    number = first17 + check_digit(first17)
    members = [{"relation": "head", "birth_year": 1980, "id_number": number},
               {"relation": "head", "birth_year": 1981, "id_number": number}]
    problems = member_problems(members)
    assert "exactly one head" in problems["_schema"][0]
    assert "birth year" in problems[1]["id_number"][0]
    members[1]["birth_year"] = 1980
    assert "same ID number as member 0" in member_problems(members)[1]["id_number"][0]


def _file():
    return {"_id": "H1", "status": "assisted", "head_member_id": "M1", "head_name": "甲",
            "members": [{"member_id": "M1", "name": "甲", "relation": "head", "health": "healthy"},
                        {"member_id": "M2", "name": "乙", "relation": "spouse", "health": "healthy"},
                        {"member_id": "M3", "name": "丙", "relation": "child", "health": "healthy"}],
            "income_per_capita_fen": 100, "guarantees": {}, "village_code": "621202100201"}


def test_change_request_decisions():
    assert cr.decide("proposed", "approve") == "approved" and cr.decide("proposed", "reject") == "rejected"
    with pytest.raises(cr.ChangeRefused):
        cr.decide("applied", "approve")


def test_changes_record_old_and_new_values():
    after, changes = cr.apply(_file(), "edit_member", {"member_id": "M2", "fields": {"health": "serious_illness"}})
    assert changes == [{"field": "members.M2.health", "old": "healthy", "new": "serious_illness"}]
    assert after["members"][1]["health"] == "serious_illness" and _file()["members"][1]["health"] == "healthy"
    after, changes = cr.apply(_file(), "change_head", {"member_id": "M2", "old_head_relation": "spouse"})
    assert after["head_name"] == "乙" and changes == [{"field": "head_name", "old": "甲", "new": "乙"}]
    after, _ = cr.apply(_file(), "remove_household", {"reason": "wrongly identified"})
    assert after["status"] == "removed" and after["removed_reason"] == "wrongly identified"
    with pytest.raises(cr.ChangeRefused, match="removed"):
        cr.apply(after, "edit_fields", {"fields": {"income_per_capita_fen": 1}})


def test_the_head_never_leaves_and_splits_keep_the_head():
    with pytest.raises(cr.ChangeRefused, match="head"):
        cr.apply(_file(), "remove_member", {"member_id": "M1"})
    with pytest.raises(cr.ChangeRefused, match="head stays"):
        cr.apply(_file(), "split", {"member_ids": ["M1", "M3"]})
    after, _ = cr.apply(_file(), "split", {"member_ids": ["M3"], "new_household_id": "H2"})
    assert [m["member_id"] for m in after["members"]] == ["M1", "M2"]
    new = cr.split_household(_file(), ["M3"], "M3")
    assert new["head_name"] == "丙" and new["members"][0]["relation"] == "head"
    with pytest.raises(cr.ChangeRefused, match="new head"):
        cr.split_household(_file(), ["M3"], "M2")
    target, changes = cr.receiving_side({**_file(), "_id": "H9", "members": []}, [_file()["members"][0]])
    assert target["members"][0]["relation"] == "other"


def test_status_counts_move_households_and_people_between_villages():
    changes = status_counts({"status": "assisted", "village_code": "A", "people": 3},
                            {"status": "exited", "village_code": "B", "people": 3})
    assert changes == [("A", {"households.assisted": -1, "people.assisted": -3}),
                       ("B", {"households.exited": 1, "people.exited": 3})]


def test_serious_illness_of_an_exited_household_is_a_risk():
    data = {"kind": "edit_member", "after": {"status": "exited"},
            "changes": [{"field": "members.M2.health", "old": "healthy", "new": "serious_illness"}]}
    assert serious_illness_risk(data) == "serious_illness"
    assert serious_illness_risk({**data, "after": {"status": "assisted"}}) is None


def test_separation_of_duties_in_the_exit_chain_and_for_changes():
    from services.registry.domain.exit_rules import change_duty_problem, duty_problem
    taken = {"propose_exit": "cadre", "township_check": "township"}
    assert duty_problem("township_check", "cadre", {"propose_exit": "cadre"})
    assert duty_problem("township_check", "township", {"propose_exit": "cadre"}) is None
    assert duty_problem("county_approve", "cadre", taken) and duty_problem("county_approve", "township", taken)
    assert duty_problem("county_approve", "county", taken) is None
    assert duty_problem("county_approve", "township", taken, central_with_reason=True) is None
    assert duty_problem("finish_notice", "cadre", taken) is None and duty_problem("object", "cadre", taken) is None
    assert change_duty_problem("county", "county") and change_duty_problem("county", "other") is None
    assert change_duty_problem("central", "central", central_with_note=True) is None


def test_programme_income_above_the_typed_income_is_flagged_for_the_checker():
    from services.registry.domain.exit_rules import income_comparison
    assert income_comparison(210_000, 500_000, 2) == {"recorded_income_fen": 500_000,
                                                      "recorded_per_capita_fen": 250_000, "income_gap": True}
    assert not income_comparison(210_000, 462_000, 2)["income_gap"]    # 231,000 a person: within 10 %
    assert income_comparison(210_000, 462_002, 2)["income_gap"]
    assert not income_comparison(520_000, 0, 3)["income_gap"]          # below the typed income is normal
    assert income_comparison(100, 500, 0)["recorded_per_capita_fen"] == 500   # a file without members
