"""Dividend runs of a tourism cooperative: shares, remainders, and a run that pays once."""
import pytest
from hypothesis import given, strategies as st

from services.tourism.domain import dividends
from services.tourism.domain.ids import dividend_run_id, wage_payment_id

A, B, C = "H621202AAAAAAAAAA", "H621202BBBBBBBBBB", "H621202CCCCCCCCCC"


def test_an_even_split_pays_every_member_the_same():
    assert dividends.split(300_00, {A: 1, B: 1, C: 1}) == {A: 100_00, B: 100_00, C: 100_00}


def test_the_fen_left_over_go_to_the_largest_remainders():
    # 1000 fen by 1:2:4 → 142.857 / 285.714 / 571.428: floors 142+285+571 = 998, two fen left;
    # the fractions are .857, .714, .428 → A and B get one more.
    assert dividends.split(1000, {A: 1, B: 2, C: 4}) == {A: 143, B: 286, C: 571}


def test_equal_remainders_go_in_household_id_order():
    assert dividends.split(100, {C: 1, B: 1, A: 1}) == {A: 34, B: 33, C: 33}
    assert dividends.split(101, {C: 1, B: 1, A: 1}) == {A: 34, B: 34, C: 33}


def test_members_without_shares_are_not_paid():
    assert dividends.split(500, {A: 0, B: 5}) == {B: 500}


def test_nothing_to_split_without_shares():
    with pytest.raises(dividends.NothingToSplit):
        dividends.split(500, {A: 0})
    with pytest.raises(dividends.NothingToSplit):
        dividends.split(500, {})


@given(amount=st.integers(min_value=0, max_value=10**10),
       shares=st.dictionaries(st.sampled_from([A, B, C, "H621202DDDDDDDDDD", "H621202EEEEEEEEEE"]),
                              st.integers(min_value=1, max_value=10**6), min_size=1))
def test_a_split_always_adds_up_and_is_fair_to_the_fen(amount, shares):
    paid = dividends.split(amount, shares)
    assert sum(paid.values()) == amount
    total = sum(shares.values())
    for hid, n in shares.items():
        exact = amount * n / total
        assert abs(paid[hid] - exact) < 1          # nobody is off by a whole fen or more
    assert dividends.split(amount, dict(reversed(list(shares.items())))) == paid   # order of input is irrelevant


def test_run_lines_are_in_household_order_with_shares():
    lines = dividends.run_lines(1000, [{"household_id": C, "shares": 4}, {"household_id": A, "shares": 1},
                                       {"household_id": B, "shares": 2}])
    assert lines == [{"household_id": A, "shares": 1, "dividend_fen": 143},
                     {"household_id": B, "shares": 2, "dividend_fen": 286},
                     {"household_id": C, "shares": 4, "dividend_fen": 571}]


def test_a_run_is_identified_by_cooperative_and_period():
    assert dividend_run_id("CP1", "2026-10") == dividend_run_id("CP1", "2026-10") == "CP1:2026-10"
    assert dividend_run_id("CP1", "2026-10") != dividend_run_id("CP1", "2026-11")
    assert wage_payment_id("JB1", "2026-10") == "JB1:2026-10"


def test_a_repeated_run_is_the_same_run_only_with_the_same_amount():
    assert dividends.same_run({"amount_fen": 500}, 500)
    assert not dividends.same_run({"amount_fen": 500}, 501)
