"""Money display/parsing and household ids."""
import re

import pytest

from shared.household_ids import PATTERN, county_of, new_household_id
from shared.web.forms import form_errors, yuan, yuan_to_fen
from services.registry.domain.assistance import summary_after, summary_update
from shared.events import CATALOGUE


@pytest.mark.parametrize("fen, text", [(0, "0.00"), (5, "0.05"), (123456, "1,234.56"), (-250, "-2.50"), (None, "—")])
def test_yuan(fen, text):
    assert yuan(fen) == text


@pytest.mark.parametrize("text, fen", [("12", 1200), ("12.5", 1250), ("0.05", 5), ("1,000.10", 100010),
                                       ("", None), ("abc", "abc"), ("1.234", "1.234")])
def test_yuan_to_fen(text, fen):
    assert yuan_to_fen(text) == fen


def test_household_ids_carry_the_county_and_are_not_sequential():
    ids = {new_household_id("621202") for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.match(PATTERN, i) and county_of(i) == "621202" for i in ids)
    with pytest.raises(ValueError):
        new_household_id("6212")


def test_form_errors_are_flattened_for_templates():
    assert form_errors({"members": {0: {"name": ["Missing."]}}, "x": ["a", "b"]}) == \
        {"members-0-name": "Missing.", "x": "a b"}


def test_summary_update_of_a_sale_and_an_enrolment():
    sale = CATALOGUE.get("cn.jingzhun.ecommerce.sale.recorded.v1")
    update = summary_update(sale, {"income_fen": 900, "amount_fen": 1000})
    assert update["$inc"]["summary.total_income_fen"] == 900
    assert update["$inc"]["summary.programs.ecommerce.amount_fen"] == 1000
    enrolled = CATALOGUE.get("cn.jingzhun.ecommerce.enrolment.started.v1")
    update = summary_update(enrolled, {})
    assert update["$set"] == {"summary.programs.ecommerce.status": "enrolled"}
    after = summary_after({"total_income_fen": 100, "programs": {}}, summary_update(sale, {"income_fen": 50}))
    assert after["total_income_fen"] == 150 and after["programs"]["ecommerce"]["income_fen"] == 50
