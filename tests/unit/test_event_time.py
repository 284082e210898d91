"""An event's time is the day its record says it happened (paper records typed in later),
not the minute it was typed: shared/events/occurrence.py and Catalogue.new_event."""
from datetime import date, datetime, timedelta, timezone

import pytest

from shared.events import CATALOGUE
from shared.events.occurrence import PROGRAMME_START, check_day, occurred_time

SALE = "cn.jingzhun.ecommerce.sale.recorded.v1"
PV_DIVIDEND = "cn.jingzhun.photovoltaic.distribution.dividend_paid.v1"
HID = "H621202ABCDEFGHJK"
NOW = datetime(2026, 12, 7, 22, 30, tzinfo=timezone.utc)


def sale(sold_on: str) -> dict:
    return {"household_id": HID, "recorded_by": "u1", "sale_id": "S1", "product": "花椒", "quantity": 3,
            "unit": "kg", "amount_fen": 12000, "income_fen": 9000, "channel": "own_store", "sold_on": sold_on}


def test_a_past_day_is_noon_in_beijing_in_its_own_utc_month():
    assert occurred_time("2025-03-01", NOW) == "2025-03-01T04:00:00.000Z"
    assert occurred_time(date(2026, 12, 6), NOW) == "2026-12-06T04:00:00.000Z"
    assert occurred_time("2025-02", NOW) == "2025-02-28T04:00:00.000Z"   # a month: its last day


@pytest.mark.parametrize("day", ["2026-12-07", "2026-12-08", "2031-01-01", "2013-12-31", "not a day", None, "2026-12"])
def test_today_the_future_before_the_programme_or_no_day_keep_the_time_of_recording(day):
    assert occurred_time(day, NOW) is None


def test_a_sale_typed_in_later_happened_on_its_day():
    event = CATALOGUE.new_event(SALE, "ecommerce", HID, sale("2025-06-15"))
    assert event.time == "2025-06-15T04:00:00.000Z"


def test_a_sale_of_today_keeps_the_minute_it_was_recorded():
    before = datetime.now(timezone.utc)
    event = CATALOGUE.new_event(SALE, "ecommerce", HID, sale(before.date().isoformat()))
    assert abs(datetime.fromisoformat(event.time.replace("Z", "+00:00")) - before) < timedelta(minutes=1)


def test_an_explicit_time_wins():
    assert CATALOGUE.new_event(SALE, "ecommerce", HID, sale("2025-06-15"), "2025-06-20T01:00:00.000Z").time \
        == "2025-06-20T01:00:00.000Z"


def test_every_declared_day_field_is_in_its_schema():
    for event_type in CATALOGUE:
        if event_type.occurred_on:
            assert event_type.occurred_on in event_type.schema().fields, event_type.type


def test_a_monthly_distribution_happened_at_the_end_of_its_month():
    assert CATALOGUE.get(PV_DIVIDEND).occurred_on == "month"


def test_a_back_dated_day_is_neither_in_the_future_nor_before_the_programme():
    today = date(2026, 12, 7)
    assert check_day(today, today) is None and check_day(PROGRAMME_START, today) is None
    assert "future" in check_day(today + timedelta(days=1), today)
    assert "2014-01-01" in check_day(PROGRAMME_START - timedelta(days=1), today)
