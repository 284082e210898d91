"""The household card's rules: measures per program, and each exit criterion."""
from services.registry.domain.card import INCOME_CRITERION, exit_criteria, measures_by_program
from services.registry.domain.exit_rules import GUARANTEES, exit_problems


def entry(program, event_type, at, income=0, amount=0, title="t"):
    return {"program": program, "event_type": event_type, "occurred_at": at, "income_fen": income,
            "amount_fen": amount, "title_en": f"{title} {at}", "title_zh": f"{title}（{at}）"}


def test_one_event_type_is_one_measure_with_its_latest_title_its_count_and_its_sums():
    entries = [entry("ecommerce", "sale", "2026-03-01T00:00:00Z", 100, 120),
               entry("ecommerce", "sale", "2026-05-01T00:00:00Z", 200, 240),
               entry("ecommerce", "store", "2026-01-01T00:00:00Z"),
               entry("photovoltaic", "dividend", "2026-06-30T00:00:00Z", 300),
               entry("registry", "file.changed", "2026-07-01T00:00:00Z")]
    measures = measures_by_program(entries)
    assert list(measures) == ["ecommerce", "photovoltaic"]          # the registry's own entries are no measure
    sale, store = measures["ecommerce"]                               # the latest measure first
    assert sale == {"event_type": "sale", "title_en": "t 2026-05-01T00:00:00Z", "title_zh": "t（2026-05-01T00:00:00Z）",
                    "times": 2, "first_at": "2026-03-01T00:00:00Z", "last_at": "2026-05-01T00:00:00Z",
                    "income_fen": 300, "amount_fen": 360}
    assert (store["times"], store["income_fen"]) == (1, 0)
    assert measures["photovoltaic"][0]["income_fen"] == 300


def test_a_refund_takes_its_income_off_the_measure():
    measures = measures_by_program([entry("ecommerce", "refund", "2026-03-02T00:00:00Z", -80, -96)])
    assert (measures["ecommerce"][0]["income_fen"], measures["ecommerce"][0]["amount_fen"]) == (-80, -96)


def test_the_criteria_hold_exactly_when_the_exit_check_finds_no_problem():
    line = 400_000
    for income in (line - 1, line, line + 1):
        for missing in (None,) + GUARANTEES:
            guarantees = {g: g != missing for g in GUARANTEES}
            criteria = exit_criteria(income, guarantees, line)
            assert [c for c, _ in criteria] == [INCOME_CRITERION, *GUARANTEES]
            assert all(met for _, met in criteria) == (not exit_problems(income, guarantees, 2020))
            assert dict(criteria)[INCOME_CRITERION] == (income > line)
