"""The rules of poor villages, task forces' stationings, cadre assignments and coverage
(services/registry/domain/villages.py)."""
from datetime import date

import pytest

from services.registry.domain.villages import (VILLAGE_STATUSES, VillageRefused, counts_by_status, coverage,
                                               reassigned, stationed_on, stationing_problem, status_problem)


def test_a_village_goes_forward_one_step_at_a_time_and_a_proposal_may_be_sent_back():
    assert status_problem("identified", "assisted") is None
    assert status_problem("assisted", "exit_proposed") is None
    assert status_problem("exit_proposed", "exited") is None
    assert status_problem("exit_proposed", "assisted") is None     # the proposal sent back
    assert "cannot become exited" in str(status_problem("identified", "exited"))   # the API's English
    assert "allowed: none" in str(status_problem("exited", "assisted"))
    assert status_problem("assisted", "assisted")                   # no change is no step
    assert VILLAGE_STATUSES == ("identified", "assisted", "exit_proposed", "exited")


def test_households_are_counted_by_status():
    assert counts_by_status(["identified", "assisted", "identified"]) == {"identified": 2, "assisted": 1}
    assert counts_by_status([]) == {}


def test_a_stationing_is_current_from_its_first_to_its_last_day_or_while_open():
    open_one = {"village_code": "621202104201", "from": "2026-01-01", "to": None}
    closed = {"village_code": "621202104201", "from": "2025-01-01", "to": "2025-12-31"}
    assert stationed_on(open_one, date(2026, 1, 1)) and stationed_on(open_one, date(2030, 1, 1))
    assert not stationed_on(open_one, date(2025, 12, 31))
    assert stationed_on(closed, date(2025, 12, 31)) and not stationed_on(closed, date(2026, 1, 1))


def test_a_task_force_is_not_stationed_twice_in_one_village_over_the_same_time():
    held = [{"village_code": "621202104201", "from": "2025-01-01", "to": "2025-12-31"}]
    assert stationing_problem(held, {"village_code": "621202104201", "from": "2026-01-01", "to": None}) is None
    assert stationing_problem(held, {"village_code": "621202104202", "from": "2025-06-01", "to": None}) is None
    assert "already stationed" in str(stationing_problem(held, {"village_code": "621202104201", "from": "2025-06-01",
                                                                "to": "2026-06-01"}))
    assert "already stationed" in str(stationing_problem(held + [{"village_code": "621202104202", "from": "2026-01-01",
                                                                  "to": None}],
                                                         {"village_code": "621202104202", "from": "2027-01-01",
                                                          "to": None}))
    assert "before the start" in str(stationing_problem([], {"village_code": "621202104201", "from": "2026-02-01",
                                                             "to": "2026-01-01"}))


def test_assigning_a_cadre_ends_the_current_one_and_keeps_the_history():
    first, history = reassigned(None, [], {"name": "张三", "unit": "县农业局", "phone": "1"}, "2026-01-01", "op", "初次")
    assert first == {"name": "张三", "unit": "县农业局", "phone": "1", "since": "2026-01-01", "assigned_by": "op",
                     "reason": "初次"} and history == []
    second, history = reassigned(first, history, {"name": "李四", "unit": "", "phone": ""}, "2026-06-01", "op2", "调动")
    assert second["name"] == "李四" and second["since"] == "2026-06-01"
    assert history == [{**first, "until": "2026-06-01", "ended_by": "op2", "end_reason": "调动"}]
    none, history = reassigned(second, history, None, "2026-07-01", "op", "离任")
    assert none is None and [h["name"] for h in history] == ["张三", "李四"]
    with pytest.raises(VillageRefused):
        reassigned(None, history, None, "2026-07-02", "op", "again")


def test_coverage_counts_villages_with_a_task_force_today_and_households_with_a_cadre():
    villages = [{"village_code": c, "name": n} for c, n in (("621202104201", "甲村"), ("621202104202", "乙村"),
                                                           ("621202104203", "丙村"))]
    gaps = [{"_id": "H1", "head_name": "王一"}]
    figures = coverage(villages, {"621202104201", "621202104203"}, 4, 1, gaps)
    assert (figures["villages"], figures["villages_covered"], figures["village_share"]) == (3, 2, 0.6667)
    assert [v["name"] for v in figures["village_gaps"]] == ["乙村"]
    assert (figures["households"], figures["households_covered"], figures["household_share"]) == (4, 3, 0.75)
    assert figures["household_gaps"] == gaps and figures["households_without_cadre"] == 1
    assert figures["villages_without_task_force"] == 1


def test_coverage_lists_at_most_so_many_villages_and_counts_them_all():
    villages = [{"village_code": f"621202104{n:03d}", "name": str(n)} for n in range(201, 211)]
    figures = coverage(villages, set(), 0, 0, [], listed=3)
    assert figures["villages_without_task_force"] == 10 and len(figures["village_gaps"]) == 3


def test_an_area_with_nothing_to_cover_is_covered():
    figures = coverage([], set(), 0, 0, [])
    assert figures["village_share"] == 1.0 and figures["household_share"] == 1.0
