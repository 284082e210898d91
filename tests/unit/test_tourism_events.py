"""Tourism's event types: validated, readable on a timeline, and moving income the right way."""
import pytest

from shared.events import CATALOGUE, InvalidEvent
from shared.events.types import tourism as ev

HID = "H621202ABCDEFGHJK"
BOOKING = {"household_id": HID, "recorded_by": "op", "booking_id": "BK1", "homestay_id": "HS1",
           "homestay_name": "山居小院", "check_in": "2026-10-01", "check_out": "2026-10-03", "nights": 2,
           "guests": 4, "channel": "walk_in", "amount_fen": 60000, "income_fen": 50000}
CANCELLED = {"household_id": HID, "recorded_by": "op", "booking_id": "BK1", "homestay_id": "HS1",
             "homestay_name": "山居小院", "check_in": "2026-10-01", "cancelled_on": "2026-09-20", "reason": "暴雨",
             "amount_fen": 60000, "income_fen": 50000}


def test_every_tourism_event_type_is_declared_with_a_schema_and_titles():
    types = {t.type for t in CATALOGUE.for_program("tourism")}
    assert {ev.BOOKING_RECORDED.type, ev.BOOKING_CANCELLED.type, ev.WAGE_PAID.type, ev.DIVIDEND_PAID.type,
            ev.HOMESTAY_REGISTERED.type, ev.JOB_ENDED.type, ev.MEMBER_JOINED.type, ev.ENROLLED.type} <= types
    for t in CATALOGUE.for_program("tourism"):
        assert t.type.startswith("cn.jingzhun.tourism.") and t.type.endswith(".v1")
        assert t.title_en and t.title_zh and t.schema


def test_a_booking_brings_income_and_its_cancellation_takes_exactly_that_back():
    booked = ev.BOOKING_RECORDED
    cancelled = ev.BOOKING_CANCELLED
    assert booked.income_fen(BOOKING) == 50000 and booked.amount_fen(BOOKING) == 60000
    assert cancelled.income_fen(CANCELLED) == -50000 and cancelled.amount_fen(CANCELLED) == -60000
    assert booked.title(BOOKING, "zh") == "民宿预订：山居小院 4人2晚，增收 ¥500.00"
    assert "¥500.00" in cancelled.title(CANCELLED, "en") and "暴雨" in cancelled.title(CANCELLED, "zh")


def test_wages_and_dividends_are_income():
    wage = {"household_id": HID, "recorded_by": "op", "payment_id": "JB1:2026-10", "job_id": "JB1",
            "member_name": "李四", "scenic_area": "官鹅沟", "month": "2026-10", "paid_on": "2026-11-05",
            "income_fen": 300000}
    CATALOGUE.new_event(ev.WAGE_PAID.type, "tourism", HID, wage)
    assert ev.WAGE_PAID.income_fen(wage) == 300000
    dividend = {"household_id": HID, "recorded_by": "op", "run_id": "CP1:2026-10", "cooperative_id": "CP1",
                "cooperative_name": "寺背村旅游合作社", "period": "2026-10", "shares": 2, "total_shares": 7,
                "run_amount_fen": 70000, "paid_on": "2026-10-31", "income_fen": 20000}
    CATALOGUE.new_event(ev.DIVIDEND_PAID.type, "tourism", HID, dividend)
    assert ev.DIVIDEND_PAID.income_fen(dividend) == 20000
    assert ev.DIVIDEND_PAID.title(dividend, "zh") == "寺背村旅游合作社2026-10分红：¥200.00（2/7股）"


def test_a_job_that_ends_is_a_risk_signal_after_exit():
    assert ev.JOB_ENDED.risk == "job_ended"
    assert ev.BOOKING_CANCELLED.risk is None


@pytest.mark.parametrize("change, field", [
    ({"income_fen": 70000}, "income_fen"),
    ({"channel": "pigeon"}, "channel"),
    ({"nights": 0}, "nights"),
    ({"guest_name": "张三"}, "guest_name"),     # visitors' names stay in the tourism service
])
def test_invalid_booking_events_are_refused_on_produce(change, field):
    with pytest.raises(InvalidEvent) as caught:
        CATALOGUE.new_event(ev.BOOKING_RECORDED.type, "tourism", HID, {**BOOKING, **change})
    assert field in caught.value.errors


def test_periods_of_dividend_runs():
    import re
    for ok in ("2026", "2026-10", "2026-Q3"):
        assert re.match(ev.PERIOD_PATTERN, ok)
    for bad in ("2026-13", "26-10", "2026-Q5", "2026-1"):
        assert not re.match(ev.PERIOD_PATTERN, bad)
