"""The demo has lived two years: deploy/local/demo_calendar.py dates its records over 24
months ending today, in the rhythms of the work, never in the future, the same for a seed."""
import random
from datetime import date, timedelta

import pytest

from deploy.local import demo_calendar as cal

TODAY = date(2026, 12, 7)


def registry_timeline(seed: int = 2014, households: int = 300, today: date = TODAY) -> list[tuple[str, date]]:
    """What demo_data.load records in the registry, as (what, day): each household identified,
    its assistance started, its exit steps (every household here meets the criteria), a
    return to poverty after some exits."""
    rng, days = random.Random(seed), []
    for _ in range(households):
        identified = cal.identified_on(rng, today)
        days.append(("identified", identified))
        started = cal.assistance_starts(identified, rng, today)
        if started:
            days.append(("start_assistance", started))
        steps = cal.exit_steps(identified, rng, today)
        days += steps
        if steps and steps[-1][0] == "finish_notice":
            fell_back = cal.return_to_poverty(steps[-1][1], rng, today)
            if fell_back:
                days.append(("return_to_poverty", fell_back))
    return days


def test_the_history_is_the_24_months_ending_this_month():
    months = cal.history_months(TODAY)
    assert len(months) == len(set(months)) == 24
    assert months[0] == "2025-01" and months[-1] == "2026-12" and months == sorted(months)
    assert cal.history_start(TODAY) == date(2025, 1, 1)
    assert cal.history_months(date(2026, 3, 31))[0] == "2024-04"


@pytest.mark.parametrize("today", [TODAY, date(2027, 1, 2), date(2026, 6, 30)])
def test_the_records_span_at_least_20_months_and_none_is_in_the_future(today):
    days = [day for _, day in registry_timeline(today=today)]
    assert max(days) <= today
    assert min(days) >= cal.history_start(today)
    assert len({day.strftime("%Y-%m") for day in days}) >= 20


def test_files_are_identified_in_the_campaign_and_in_the_yearly_adjustment():
    identified = [day for what, day in registry_timeline() if what == "identified"]
    campaign = sum(day < cal.history_start(TODAY) + timedelta(days=90) for day in identified)
    adjustment = sum(day.strftime("%Y-%m") in ("2026-01", "2026-02") for day in identified)
    assert campaign > len(identified) / 2 and adjustment > len(identified) / 6


def test_exits_are_proposed_in_november_and_finished_after_the_public_notice():
    rng = random.Random(5)
    finished = in_notice = 0
    for _ in range(200):
        identified = cal.identified_on(rng, TODAY)
        steps = cal.exit_steps(identified, rng, TODAY)
        days = [day for _, day in steps]
        assert days == sorted(days) and all(day <= TODAY for day in days)
        assert [s for s, _ in steps] == ["propose_exit", "township_check", "county_approve", "finish_notice"][:len(steps)]
        if steps:
            assert steps[0][1].month == 11 and (steps[0][1] - identified).days >= 150
        if len(steps) == 4:
            assert (steps[3][1] - steps[2][1]).days >= cal.NOTICE_DAYS
            finished += 1
        in_notice += len(steps) == 3
    assert finished and in_notice   # last year's exits done, this year's some in their notice today


def test_the_same_seed_gives_the_same_history():
    assert registry_timeline(seed=7) == registry_timeline(seed=7) != registry_timeline(seed=8)


def test_a_day_in_a_month_is_never_after_today_nor_before_its_lower_bound():
    rng = random.Random(1)
    for _ in range(200):
        day = cal.day_in("2026-12", rng, TODAY, date(2026, 12, 3))
        assert date(2026, 12, 3) <= day <= TODAY
    assert cal.day_in("2026-12", rng, TODAY, date(2026, 12, 8)) is None
    assert cal.after(TODAY, rng, 1, 5, TODAY) is None


def test_quarters():
    assert [cal.quarter_of(m) for m in ("2025-01", "2025-03", "2025-04", "2025-12")] == \
        ["2025-Q1", "2025-Q1", "2025-Q2", "2025-Q4"]
    assert [m for m in cal.history_months(TODAY) if cal.is_quarter_end(m)][:2] == ["2025-03", "2025-06"]
