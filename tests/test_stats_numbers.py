"""Rates and number formatting: exact half-up vs the legacy float rule of the sample."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.stats.numbers import format_count, format_rate, rate
from tthc.stats.profile import load_profile


@pytest.mark.parametrize(
    ("num", "den", "decimals", "legacy", "half_up"),
    [
        (23, 220, 1, "10.4", "10.5"),  # the sample's 10.4%
        (28, 155, 1, "18.1", "18.1"),
        (51, 375, 1, "13.6", "13.6"),
        (2685, 2686, 2, "99.96", "99.96"),
        (9987, 10000, 2, "99.87", "99.87"),
        (1, 8, 2, "12.50", "12.50"),
        (1, 3, 0, "33", "33"),
        (2, 3, 2, "66.67", "66.67"),
        (1, 1, 2, "100.00", "100.00"),
        (0, 5, 1, "0.0", "0.0"),
    ],
)
def test_rate_rules(num, den, decimals, legacy, half_up):
    assert rate(num, den, decimals, "legacy_float") == Decimal(legacy)
    assert rate(num, den, decimals, "half_up") == Decimal(half_up)


def test_half_up_is_exact_on_ties():
    # 1/8 = 12.5% exactly: half-up gives 13 (a float round() would give 12, banker's).
    assert rate(1, 8, 0) == Decimal("13")
    assert rate(1, 16, 1) == Decimal("6.3")  # 6.25 -> 6.3
    assert rate(1, 16, 1, "legacy_float") == Decimal("6.2")  # float round-half-even on 6.25


def test_zero_denominator_is_none_and_bad_input_rejected():
    assert rate(0, 0, 2) is None
    assert rate(5, 0, 1, "legacy_float") is None
    with pytest.raises(ValueError):
        rate(1, 2, 2, "bankers")
    with pytest.raises(ValueError):
        rate(-1, 2, 2)


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.integers(0, 4))
def test_half_up_matches_decimal_arithmetic(num, den, decimals):
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        exact = (Decimal(num) * 100 / Decimal(den)).quantize(
            Decimal(1).scaleb(-decimals), ROUND_HALF_UP
        )
    assert rate(num, den, decimals) == exact


def test_format_official_and_sample_styles():
    d = load_profile("default")
    a = load_profile("an-truong")
    assert format_count(2751, d) == "2.751"
    assert format_count(1234567, d) == "1.234.567"
    assert format_count(2751, a) == "2751"
    assert format_count(None, d) == "N/A"
    assert format_rate(Decimal("99.96"), d, 2) == "99,96%"
    assert format_rate(Decimal("100.00"), d, 2) == "100,00%"
    assert format_rate(Decimal("100.00"), a, 2) == "100%"
    assert format_rate(Decimal("99.87"), a, 2) == "99.87%"
    assert format_rate(Decimal("13.6"), a, 1) == "13.6%"
    assert format_rate(Decimal("99.90"), a, 2) == "99.9%"
    assert format_rate(None, a, 2) == "N/A"
    spaced = a.model_copy(
        update={"number_format": a.number_format.model_copy(update={"percent_suffix": " %"})}
    )
    assert format_rate(Decimal("13.6"), spaced, 1) == "13.6 %"
