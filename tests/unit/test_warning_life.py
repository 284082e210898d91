"""The warning state machine and the public notice's masking (issue 18): pure rules."""
from datetime import datetime, timezone

import pytest

from services.registry.domain.public_notice import is_notice_area, mask_name, notice_entry
from services.registry.domain.warning_life import (WarningRefused, area_scope, is_overdue, next_move,
                                                   overdue_before, state_of)

RAISED = "2026-11-01T08:00:00.000Z"


def test_a_warning_of_the_consumer_is_open_until_a_step_moves_it():
    raised = {"open": True, "raised_at": RAISED}
    assert state_of(raised) == "open"
    assert next_move(raised, "acknowledge").to_state == "acknowledged"
    assert next_move({**raised, "status": "acknowledged"}, "assign", assignee="cadre").to_state == "acknowledged"
    move = next_move({**raised, "status": "acknowledged"}, "close", note="风险消除")
    assert (move.from_state, move.to_state, move.still_open) == ("acknowledged", "closed", False)
    assert next_move(raised, "return_to_poverty", note="重病").to_state == "returned"


@pytest.mark.parametrize("state, step", [("acknowledged", "acknowledge"), ("closed", "close"),
                                         ("closed", "assign"), ("returned", "return_to_poverty"),
                                         ("returned", "link_measures")])
def test_a_step_the_state_does_not_allow_is_a_conflict(state, step):
    with pytest.raises(WarningRefused) as refused:
        next_move({"status": state, "raised_at": RAISED}, step, note="x", assignee="y", measures=["z"])
    assert refused.value.status == 409 and state in str(refused.value)


@pytest.mark.parametrize("step, field", [("close", "note"), ("return_to_poverty", "note"), ("assign", "assignee"),
                                         ("link_measures", "measures"), ("reopen", "step")])
def test_missing_input_is_unprocessable_naming_the_field(step, field):
    with pytest.raises(WarningRefused) as refused:
        next_move({"open": True, "raised_at": RAISED}, step, note="  ")
    assert (refused.value.status, refused.value.field) == (422, field)


def test_only_open_warnings_past_the_deadline_are_overdue():
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    assert is_overdue({"open": True, "raised_at": RAISED}, now, 30)
    assert not is_overdue({"open": True, "raised_at": RAISED}, now, 40)
    assert not is_overdue({"status": "closed", "open": False, "raised_at": RAISED}, now, 30)
    assert overdue_before(now, 30) == "2026-11-07T00:00:00.000Z" > RAISED


def test_an_areas_warnings_are_found_by_the_codes_a_warning_carries():
    assert area_scope("000000", "country") == {}
    assert area_scope("620000", "province") == {"county_code": {"$regex": "^62"}}
    assert area_scope("621200", "prefecture") == {"county_code": {"$regex": "^6212"}}
    assert area_scope("621202", "county") == {"county_code": "621202"}
    assert area_scope("621202104", "township") == {"village_code": {"$regex": "^621202104"}}
    assert area_scope("621202104201", "village") == {"village_code": "621202104201"}


@pytest.mark.parametrize("name, masked", [("张明", "张*"), ("张小明", "张*明"), ("欧阳小明", "欧**明"), ("张", "*"), ("", "")])
def test_names_on_the_public_notice_are_partly_masked(name, masked):
    assert mask_name(name) == masked


def test_the_public_notice_shows_nothing_but_what_it_lists():
    household = {"_id": "H1", "head_name": "张小明", "township": "汉王镇", "village": "寺背村",
                 "members": [{"name": "张小明", "id_masked": "6212**********1234", "id_hash": "h"}],
                 "exit": {"notice_until": "2026-12-14"}, "income_per_capita_fen": 520000}
    assert notice_entry(household) == {"household_id": "H1", "head_name": "张*明", "members": 1,
                                       "township": "汉王镇", "village": "寺背村", "notice_until": "2026-12-14"}
    assert is_notice_area("621202104") and is_notice_area("621202104201")
    assert not is_notice_area("621202") and not is_notice_area("62120210420x")
