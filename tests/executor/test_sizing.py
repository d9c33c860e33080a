"""Sizing: the method's stake, capped by risk, the strategy and depth, on the tick and size grid."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Level
from polymarket_ml.executor.book_walk import round_size_down, round_to_tick
from polymarket_ml.executor.config import SizingConfig, SizingMethod
from polymarket_ml.executor.sizing import (
    MarketLimits,
    SizingDecision,
    kelly_fraction,
    size_entry,
    size_exit,
)
from tests.executor.support import d, levels, market, signal

DEEP = levels(("0.60", "10000"))
FIXED = SizingConfig()  # 25 USD
KELLY = SizingConfig(method=SizingMethod.KELLY, kelly_fraction=d("0.25"))
LIMITS = MarketLimits(tick_size=d("0.01"), min_order_size=d(5))


def _entry(
    config: SizingConfig = FIXED,
    *,
    asks: tuple[Level, ...] = DEEP,
    price: str = "0.60",
    edge: float | None = None,
    max_size_usd: str = "100",
    bankroll_usd: str = "1000",
    suggested: Decimal | None = None,
    volatility_1h: float | None = None,
) -> SizingDecision:
    return size_entry(
        signal(price=price, edge=edge, suggested_size_usd=suggested),
        asks,
        config=config,
        max_size_usd=d(max_size_usd),
        max_slippage=d("0.02"),
        limits=LIMITS,
        bankroll_usd=d(bankroll_usd),
        volatility_1h=volatility_1h,
    )


def test_full_kelly_of_a_binary_bet() -> None:
    # buying YES at 0.60 with probability 0.70: (0.70 − 0.60) / (1 − 0.60) = 0.25
    assert kelly_fraction(d("0.60"), d("0.70")) == d("0.25")
    assert kelly_fraction(d("0.60"), d("0.55")) == 0


def test_kelly_stake_is_the_fraction_of_full_kelly_times_the_bankroll() -> None:
    # given p = 0.60, edge 0.10 (q = 0.70), kelly_fraction 0.25, bankroll 1000
    decision = _entry(KELLY, edge=0.10)
    # then the stake is 1000 × 0.25 × 0.25 = 62.50 USD: 62.50 / 0.60 = 104.1666 -> 104.16 shares
    assert decision.stake_usd == d("62.5")
    assert decision.order is not None
    assert decision.order.shares == d("104.16")
    assert decision.order.expected_notional_usd == d("62.4960")
    assert decision.order.limit_price == d("0.62")  # 0.60 + max_slippage 0.02
    assert decision.reasons == ()


def test_kelly_stake_is_capped_by_risk() -> None:
    # given a bankroll of 10,000: stake 625 USD, risk allows 100
    decision = _entry(KELLY, edge=0.10, bankroll_usd="10000")
    assert decision.stake_usd == d("625")
    assert decision.order is not None
    assert decision.order.shares == d("166.66")  # 100 / 0.60 = 166.666 rounded down
    assert decision.reasons == ("capped by risk: 625.00 -> 100.00 USD",)


def test_kelly_without_an_edge_estimate_stakes_nothing() -> None:
    decision = _entry(KELLY, edge=None)
    assert decision.order is None
    assert decision.reasons[0] == "kelly: the signal has no edge estimate"


def test_kelly_with_a_negative_edge_stakes_nothing() -> None:
    assert _entry(KELLY, edge=-0.05).order is None


def test_fixed_stake_is_capped_by_depth_at_an_acceptable_price() -> None:
    # given $100 wanted and asks 50 @ 0.60, 50 @ 0.61, 1000 @ 0.63; the limit is 0.62
    asks = levels(("0.60", "50"), ("0.61", "50"), ("0.63", "1000"))
    decision = _entry(SizingConfig(fixed_amount_usd=d(100)), asks=asks)
    # then only the first two levels count: 30.00 + 30.50 = 60.50 USD for 100 shares
    assert decision.order is not None
    assert (decision.order.shares, decision.order.expected_notional_usd) == (d(100), d("60.50"))
    assert decision.reasons == ("capped by depth up to 0.62: 100.00 -> 60.50 USD",)


def test_the_strategy_can_ask_for_less() -> None:
    decision = _entry(suggested=d(12))  # fixed 25 USD by default
    assert decision.order is not None
    assert decision.order.shares == d(20)  # 12 / 0.60
    assert decision.reasons == ("capped by suggested by the strategy: 25.00 -> 12.00 USD",)


def test_volatility_scaled_stake() -> None:
    # given a 0.02 hourly target and 0.04 realised: half of the fixed 25 USD
    config = SizingConfig(method=SizingMethod.VOLATILITY_SCALED)
    assert _entry(config, volatility_1h=0.04).stake_usd == d("12.5")
    fallback = _entry(config, volatility_1h=None)
    assert fallback.stake_usd == d(25)
    assert "volatility unknown" in fallback.reasons[0]


def test_an_order_below_the_minimum_size_in_shares_is_not_placed() -> None:
    # given $2 at 0.60: 3.33 shares, below the 5-share minimum
    decision = _entry(SizingConfig(fixed_amount_usd=d(2)))
    assert decision.order is None
    assert decision.reasons == ("below the minimum order size: 3.33 < 5 shares",)


def test_an_order_below_one_dollar_is_not_placed() -> None:
    # given $0.90 at 0.10: 9 shares (above 5) but worth 0.90 < 1 USD
    asks = levels(("0.10", "1000"))
    decision = _entry(SizingConfig(fixed_amount_usd=d("0.9")), asks=asks, price="0.10")
    assert decision.order is None
    assert decision.reasons == ("below the minimum order value: 0.90 < 1",)


def test_an_exit_sells_the_whole_position_down_to_the_slippage_limit() -> None:
    # given 100 shares to sell at 0.50 and bids 60 @ 0.50, 30 @ 0.49, 100 @ 0.45; limit 0.48
    bids = levels(("0.50", "60"), ("0.49", "30"), ("0.45", "100"))
    decision = size_exit(
        signal(price="0.50", side=Side.SELL),
        bids,
        position_size=d(100),
        max_slippage=d("0.02"),
        limits=LIMITS,
        config=SizingConfig(),
    )
    # then 90 shares go, for 30.00 + 14.70 = 44.70 USD
    assert decision.order is not None
    assert decision.order.side is Side.SELL
    assert (decision.order.shares, decision.order.limit_price) == (d(90), d("0.48"))
    assert decision.order.expected_notional_usd == d("44.70")
    assert decision.reasons == ("capped by depth down to 0.48: 100 -> 90 shares",)


@pytest.mark.parametrize(
    ("price", "tick", "side", "expected"),
    [
        ("0.615", "0.01", Side.BUY, "0.61"),  # a BUY never pays more than meant
        ("0.615", "0.01", Side.SELL, "0.62"),  # a SELL never accepts less
        ("0.615", "0.001", Side.BUY, "0.615"),
        ("0.6174", "0.0025", Side.BUY, "0.6150"),
        ("1.015", "0.01", Side.BUY, "0.99"),  # within [tick, 1 − tick]
        ("-0.01", "0.01", Side.SELL, "0.01"),
    ],
)
def test_prices_are_rounded_to_the_tick_against_us(
    price: str, tick: str, side: Side, expected: str
) -> None:
    assert round_to_tick(d(price), d(tick), side) == d(expected)


def test_sizes_are_rounded_down_to_the_size_step() -> None:
    assert round_size_down(d("10.239")) == d("10.23")
    assert round_size_down(d("-1")) == 0


def test_market_limits_come_from_the_market_with_the_usual_defaults() -> None:
    fine = replace(market(), tick_size=d("0.001"), min_order_size=d(15))
    unknown = replace(market(), tick_size=None, min_order_size=None)
    assert MarketLimits.of(fine) == MarketLimits(tick_size=d("0.001"), min_order_size=d(15))
    assert MarketLimits.of(unknown) == MarketLimits(tick_size=d("0.01"), min_order_size=d(5))
