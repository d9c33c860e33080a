"""Whale tiers, volatility, and the batch trade features (the reference for the window)."""

from __future__ import annotations

import dataclasses
import math
from datetime import timedelta
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side, WhaleTier
from polymarket_ml.core.types import Trade
from polymarket_ml.features.trades import (
    TradeFeatures,
    TradeTick,
    classify_whale_tier,
    compute_trade_features,
    compute_volatility,
    tick_from_trade,
)
from tests.features.support import BUY, SCENARIO, T_S, T, assert_scenario_features, tick


def test_batch_features_of_the_scenario_match_the_hand_computation() -> None:
    assert_scenario_features(compute_trade_features(SCENARIO, T_S))


def test_batch_features_ignore_input_order_and_trades_after_now() -> None:
    later = tick(-5, 0.9, 1000, BUY)  # 5 s after t
    f = compute_trade_features([later, *reversed(SCENARIO)], T_S)
    assert_scenario_features(f)


@pytest.mark.parametrize(
    ("notional", "tier"),
    [
        (Decimal("99.99"), WhaleTier.NONE),
        (Decimal(100), WhaleTier.MEDIUM),
        (Decimal("999.99"), WhaleTier.MEDIUM),
        (Decimal(1000), WhaleTier.LARGE),
        (Decimal("9999.99"), WhaleTier.LARGE),
        (Decimal(10000), WhaleTier.HUGE),
        (0.0, WhaleTier.NONE),
        (1e6, WhaleTier.HUGE),
    ],
)
def test_whale_tiers_start_exactly_at_their_thresholds(
    notional: Decimal | float, tier: WhaleTier
) -> None:
    assert classify_whale_tier(notional) == tier


def test_whale_thresholds_are_configurable() -> None:
    assert classify_whale_tier(50, thresholds=(10, 50, 500)) == WhaleTier.LARGE
    assert classify_whale_tier(49.9, thresholds=(10, 50, 500)) == WhaleTier.MEDIUM


def test_tick_from_trade_uses_receipt_time_and_the_exact_notional() -> None:
    # given a trade of 2,000 at 0.5 ($1,000 exactly), received 0.25 s after its exchange time
    trade = Trade(
        token_id="yes",
        condition_id="0xc",
        price=Decimal("0.5"),
        size=Decimal(2000),
        side=Side.BUY,
        exchange_ts=T,
        received_at=T + timedelta(milliseconds=250),
    )
    # when
    t = tick_from_trade(trade)
    # then
    assert t == TradeTick(T_S + 0.25, 0.5, 2000.0, Side.BUY, 1000.0, WhaleTier.LARGE, T)
    assert t.is_whale


def test_volatility_is_the_sample_standard_deviation_with_ddof_1() -> None:
    # given prices whose log-returns are +0.1 and −0.1 (mean 0)
    prices = [0.5, 0.5 * math.exp(0.1), 0.5]
    # then sample variance = (0.01 + 0.01) / (2 − 1) = 0.02; the population std would be 0.1
    assert compute_volatility(prices) == pytest.approx(math.sqrt(0.02))


def test_volatility_is_null_with_fewer_than_3_prices_and_zero_for_a_flat_price() -> None:
    assert compute_volatility([]) is None
    assert compute_volatility([0.5, 0.6]) is None
    assert compute_volatility([0.5, 0.5, 0.5]) == 0.0


def test_followed_without_trades_has_zero_counts_and_null_averages() -> None:
    # given a token followed since tracking began, with no trade at all
    f = compute_trade_features([], T_S)
    # then
    assert (f.trade_count_1h, f.buy_count_1h, f.sell_count_1h) == (0, 0, 0)
    assert (f.volume_1h, f.buy_volume_1h, f.sell_volume_1h, f.net_flow_1h) == (0.0,) * 4
    assert (f.trade_count_5m, f.volume_5m) == (0, 0.0)
    assert (f.whale_count_1h, f.whale_volume_1h, f.whale_net_flow_1h) == (0, 0.0, 0.0)
    assert (f.vwap_1h, f.avg_trade_size_1h, f.max_trade_size_1h) == (None, None, None)
    assert (f.time_since_trade, f.time_since_whale, f.volatility_1h) == (None, None, None)


def test_old_trades_leave_the_windows_but_still_time_since() -> None:
    # given one small trade 2 hours before t
    f = compute_trade_features([tick(7200, 0.5, 10, BUY)], T_S)
    # then nothing in the hour, but the last trade is 7,200 s old and no whale was ever seen
    assert f.trade_count_1h == 0
    assert f.vwap_1h is None
    assert f.time_since_trade == 7200.0
    assert f.time_since_whale is None


def test_not_followed_is_every_column_null() -> None:
    f = TradeFeatures.not_followed()
    assert all(getattr(f, field.name) is None for field in dataclasses.fields(f))
