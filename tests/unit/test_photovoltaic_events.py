"""Photovoltaic event types: declared with schemas, income fields, titles and the risk."""
import pytest

from shared.events import CATALOGUE, InvalidEvent
from shared.events.types import photovoltaic as pv

HID = "H621202ABCDEFGHJK"
ABOUT = {"household_id": HID, "recorded_by": "pv_op", "installation_id": "PV1", "installation_name": "寺背村光伏电站",
         "kind": "station"}


def test_every_photovoltaic_type_is_declared_for_the_program():
    types = {t.type for t in CATALOGUE.for_program("photovoltaic")}
    assert {pv.GENERATION_REPORTED.type, pv.DIVIDEND_PAID.type, pv.WAGE_PAID.type, pv.DOWN_TOO_LONG.type,
            pv.ENROLLED.type, pv.ENROLMENT_ENDED.type} <= types


def test_dividends_and_wages_are_income_and_money_to_the_household():
    data = {**ABOUT, "distribution_id": "PV1-2026-03", "month": "2026-03", "amount_fen": 25_050, "shares": 2,
            "total_shares": 7, "station_revenue_fen": 900_000}
    event = CATALOGUE.new_event(pv.DIVIDEND_PAID.type, "photovoltaic", HID, data)
    assert pv.DIVIDEND_PAID.income_fen(event.data) == pv.DIVIDEND_PAID.amount_fen(event.data) == 25_050
    assert pv.DIVIDEND_PAID.title(event.data, "zh") == "寺背村光伏电站2026-03光伏收益分红 ¥250.50（2/7股）"
    assert pv.DIVIDEND_PAID.title(event.data, "en") == "PV dividend from 寺背村光伏电站 for 2026-03: ¥250.50 (2 of 7 shares)"
    wage = {**ABOUT, "distribution_id": "PV1-2026-03", "month": "2026-03", "amount_fen": 50_000, "post_id": "P1",
            "post": "保洁员", "member_name": "王秀英"}
    assert pv.WAGE_PAID.income_fen(CATALOGUE.new_event(pv.WAGE_PAID.type, "photovoltaic", HID, wage).data) == 50_000


def test_a_station_report_is_no_income_and_a_rooftop_report_cannot_claim_more_than_its_revenue():
    data = {**ABOUT, "report_id": "PV1-2026-03", "month": "2026-03", "kwh": 12_000, "tariff_fen_per_kwh": 75.5,
            "revenue_fen": 906_000, "source": "power_company", "income_fen": 0}
    assert pv.GENERATION_REPORTED.income_fen(data) == 0
    assert pv.GENERATION_REPORTED.title(data, "en") == "PV generation 2026-03 at 寺背村光伏电站: 12000 kWh, revenue ¥9,060.00"
    with pytest.raises(InvalidEvent, match="income_fen"):
        CATALOGUE.new_event(pv.GENERATION_REPORTED.type, "photovoltaic", HID, {**data, "income_fen": 906_001})


def test_a_correction_may_lower_income():
    data = {**ABOUT, "kind": "rooftop", "report_id": "PV1-2026-03", "month": "2026-03", "kwh": 400,
            "tariff_fen_per_kwh": 40.0, "revenue_fen": 16_000, "previous_revenue_fen": 20_000,
            "income_change_fen": -4_000}
    event = CATALOGUE.new_event(pv.GENERATION_CORRECTED.type, "photovoltaic", HID, data)
    assert pv.GENERATION_CORRECTED.income_fen(event.data) == -4_000


def test_a_long_outage_is_a_declared_risk():
    assert pv.DOWN_TOO_LONG.risk == pv.RISK_STATION_DOWN == "pv_station_down"
    data = {**ABOUT, "fault_id": "F1", "down_since": "2026-03-01", "days_down": 31, "threshold_days": 30,
            "checked_on": "2026-04-01"}
    event = CATALOGUE.new_event(pv.DOWN_TOO_LONG.type, "photovoltaic", HID, data)
    assert "31天" in pv.DOWN_TOO_LONG.title(event.data, "zh")


def test_unknown_fields_and_bad_codes_are_refused():
    with pytest.raises(InvalidEvent) as caught:
        CATALOGUE.new_event(pv.FAULT_REPORTED.type, "photovoltaic", HID,
                            {**ABOUT, "fault_id": "F1", "down_since": "2026-03-01", "cause": "ghosts", "colour": "red"})
    assert {"cause", "colour"} <= set(caught.value.errors)
