"""Taker fees: shares × rate × (p × (1 − p))^exponent, 5 decimals (polymarket-api.md §4.10)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from polymarket_ml.executor.fees import (
    CONSERVATIVE_FEE,
    NO_FEE,
    FeeSchedule,
    fee_per_share,
    fill_fee_usd,
    taker_fee_usd,
)
from tests.executor.support import d

POLITICS = FeeSchedule(rate=d("0.04"))
SPORTS = FeeSchedule(rate=d("0.05"))
CRYPTO = FeeSchedule(rate=d("0.072"))


@pytest.mark.parametrize(
    ("shares", "price", "schedule", "expected"),
    [
        # 100 × 0.04 × 0.5 × 0.5 = 1
        ("100", "0.5", POLITICS, "1.00000"),
        # 100 × 0.072 × 0.6 × 0.4 = 1.728
        ("100", "0.6", CRYPTO, "1.72800"),
        # 10 × 0.05 × 0.95 × 0.05 = 0.02375: symmetric in p and 1 − p
        ("10", "0.95", SPORTS, "0.02375"),
        ("10", "0.05", SPORTS, "0.02375"),
        # 3 × 0.04 × 0.33 × 0.67 = 0.026532 -> 5 decimals, half up: 0.02653
        ("3", "0.33", POLITICS, "0.02653"),
        # 1 × 0.04 × 0.999 × 0.001 = 0.00003996 -> 0.00004
        ("1", "0.999", POLITICS, "0.00004"),
        # geopolitics: rate 0
        ("100", "0.5", NO_FEE, "0.00000"),
    ],
)
def test_taker_fee_follows_the_protocol_formula(
    shares: str, price: str, schedule: FeeSchedule, expected: str
) -> None:
    assert taker_fee_usd(d(shares), d(price), schedule) == Decimal(expected)


def test_a_positive_fee_is_never_rounded_below_the_smallest_charge() -> None:
    # given 0.01 share at 0.999 with rate 0.04: exact fee 0.0000003996
    # then the charge is the smallest unit, 0.00001
    assert taker_fee_usd(d("0.01"), d("0.999"), POLITICS) == d("0.00001")


def test_a_maker_pays_nothing_on_a_taker_only_schedule() -> None:
    assert fill_fee_usd(d(100), d("0.5"), POLITICS, is_maker=True) == 0
    assert fill_fee_usd(d(100), d("0.5"), POLITICS, is_maker=False) == d("1.00000")


def test_the_exponent_applies_to_p_times_one_minus_p() -> None:
    # given exponent 2: 0.04 × (0.5 × 0.5)² = 0.0025 per share
    schedule = FeeSchedule(rate=d("0.04"), exponent=d(2))
    assert fee_per_share(d("0.5"), schedule) == d("0.0025")


def test_a_gamma_fee_schedule_is_read_exactly() -> None:
    data = {"exponent": 1, "rate": 0.04, "takerOnly": True, "rebateRate": 0.25}
    assert FeeSchedule.from_gamma(data) == FeeSchedule(
        rate=d("0.04"), exponent=d(1), taker_only=True, rebate_rate=d("0.25")
    )


def test_the_conservative_schedule_is_the_highest_published_rate() -> None:
    assert CONSERVATIVE_FEE.rate == d("0.072")


def test_a_rate_of_one_or_more_is_refused() -> None:
    with pytest.raises(ValueError, match="fee rate"):
        FeeSchedule(rate=d(1))
