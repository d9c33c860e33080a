"""The incremental TradeWindow: same answers as the batch reference, bounded memory."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Trade
from polymarket_ml.features.trade_window import GRACE_S, TradeWindow
from polymarket_ml.features.trades import (
    TradeFeatures,
    TradeTick,
    classify_whale_tier,
    compute_trade_features,
)
from tests.features.support import (
    BUY,
    SCENARIO,
    SELL,
    T_S,
    T,
    assert_scenario_features,
    tick,
)


def at(seconds_after_t: float) -> datetime:
    return T + timedelta(seconds=seconds_after_t)


def test_window_features_of_the_scenario_match_the_hand_computation() -> None:
    # given the scenario fed in time order
    window = TradeWindow()
    for t in SCENARIO:
        window.add(t)
    # when / then: a trade exactly at t − 1h is out, one exactly at t is in
    assert_scenario_features(window.features(T))


def test_window_counts_a_trade_at_t_minus_1h_until_that_exact_moment() -> None:
    window = TradeWindow()
    window.add(tick(0, 0.5, 10, BUY))
    assert window.features(at(3599.5)).trade_count_1h == 1
    assert window.features(at(3600)).trade_count_1h == 0


def test_followed_window_without_trades_has_zero_counts_and_null_averages() -> None:
    f = TradeWindow().features(T)
    assert (f.trade_count_1h, f.volume_1h, f.trade_count_5m, f.whale_count_1h) == (0, 0.0, 0, 0)
    assert (f.vwap_1h, f.avg_trade_size_1h, f.max_trade_size_1h, f.volatility_1h) == (None,) * 4
    assert (f.time_since_trade, f.time_since_whale) == (None, None)
    assert f != TradeFeatures.not_followed()


def test_time_since_outlives_the_window_and_memory_stays_bounded() -> None:
    # given one trade a second for 10,000 s, a $1,000 whale first and then $5 trades
    window = TradeWindow()
    window.add(tick(0, 0.5, 2000, BUY))
    for k in range(1, 10_000):
        window.add(tick(-k, 0.5, 10, SELL))
    # then only trades newer than the last one minus 1h and the grace are held: 3,660
    assert len(window) == 3600 + GRACE_S
    # and after ~6,400 evictions (the running sums re-summed on the way), the hour is exact
    f = window.features(at(9999))
    assert (f.trade_count_1h, f.volume_1h, f.vwap_1h, f.volatility_1h) == (3600, 18000.0, 0.5, 0.0)
    # when asked an hour after the last trade, nothing is held, but the times are remembered
    f = window.features(at(9999 + 3600))
    assert len(window) == 0
    assert f.trade_count_1h == 0
    assert f.time_since_trade == 3600.0
    assert f.time_since_whale == 9999.0 + 3600.0


def test_max_trade_size_follows_evictions() -> None:
    # given $300, then $200, then $100 trades, 20 minutes apart
    window = TradeWindow()
    for minutes, size in ((0, 600), (20, 400), (40, 200)):
        window.add(tick(-60 * minutes, 0.5, size, BUY))
    # then the max drops as each larger trade leaves the hour
    assert window.features(at(3599)).max_trade_size_1h == 300.0
    assert window.features(at(3600 + 60)).max_trade_size_1h == 200.0
    assert window.features(at(3600 + 20 * 60 + 1)).max_trade_size_1h == 100.0


def test_five_minute_window_evicts_on_its_own() -> None:
    window = TradeWindow()
    window.add(tick(0, 0.5, 10, BUY))  # $5 at t
    window.add(tick(-200, 0.5, 20, BUY))  # $10 at t + 200 s
    f = window.features(at(300))
    assert (f.trade_count_5m, f.volume_5m, f.trade_count_1h) == (1, 10.0, 2)


def test_out_of_order_trades_are_placed_by_time() -> None:
    # given trades at t − 30, t − 10, then one at t − 20 arriving last
    window = TradeWindow()
    ticks = [tick(30, 0.5, 10, BUY), tick(10, 0.4, 10, SELL), tick(20, 0.6, 10, BUY)]
    for t in ticks:
        window.add(t)
    # then volatility sees prices 0.5, 0.6, 0.4 in time order, as the batch reference does
    assert window.features(T) == compute_trade_features(ticks, T_S)


def test_trades_timed_after_now_are_left_out() -> None:
    # given a trade 10 s before t, and one received 5 s after t (before the snapshot asked)
    window = TradeWindow()
    window.add(tick(10, 0.5, 100, BUY))
    window.add(tick(-5, 0.5, 4000, SELL))
    # when asked at t, only the first counts; 10 s later, both
    f = window.features(T)
    assert (f.trade_count_1h, f.time_since_trade, f.time_since_whale) == (1, 10.0, None)
    g = window.features(at(10))
    assert (g.trade_count_1h, g.time_since_trade, g.time_since_whale) == (2, 5.0, 5.0)


def test_trades_after_now_fall_back_on_trades_that_left_the_window() -> None:
    # given a whale 2 h before t, then a trade received 5 s after t, which evicts the whale
    window = TradeWindow()
    window.add(tick(7200, 0.5, 4000, BUY))
    window.add(tick(-5, 0.5, 10, BUY))
    # when asked at t
    f = window.features(T)
    # then the window is empty but the whale is still the last trade seen at t
    assert (f.trade_count_1h, f.time_since_trade, f.time_since_whale) == (0, 7200.0, 7200.0)


def test_a_trade_older_than_the_window_is_dropped_but_remembered() -> None:
    window = TradeWindow()
    window.add(tick(0, 0.5, 10, BUY))
    window.add(tick(7200, 0.5, 4000, SELL))  # late, 2 h old: its window has passed
    f = window.features(T)
    assert (f.trade_count_1h, f.time_since_trade, f.time_since_whale) == (1, 0.0, 7200.0)
    assert len(window) == 1


def test_add_trade_times_core_trades_by_receipt_and_keeps_the_exchange_time() -> None:
    # given a core trade executed 1 s before t and received at t
    window = TradeWindow(whale_thresholds=(10, 50, 500))
    window.add_trade(
        Trade("yes", "0xc", Decimal("0.5"), Decimal(100), Side.BUY, at(-1), received_at=T)
    )
    # when
    f = window.features(T)
    # then it is seen at receipt time; $50 is a whale under these thresholds
    assert (f.time_since_trade, f.whale_count_1h, f.last_trade_exchange_ts) == (0.0, 1, at(-1))


def test_invalid_input_is_refused() -> None:
    window = TradeWindow()
    with pytest.raises(ValueError, match="positive"):
        window.add(tick(0, 0.0, 10, BUY))
    with pytest.raises(ValueError, match="timezone-aware"):
        window.features(datetime(2026, 3, 4, 12, 0))  # noqa: DTZ001 - naive on purpose


def random_tick(rng: random.Random, ts: float) -> TradeTick:
    price = rng.choice([0.01, 0.2, 0.45, 0.5, 0.55, 0.8, 0.99])
    size = rng.choice([1.0, 10.0, 250.0, 2000.0, 30000.0])
    return TradeTick(
        ts=ts,
        price=price,
        size=size,
        side=rng.choice([Side.BUY, Side.SELL]),
        notional=price * size,
        whale_tier=classify_whale_tier(price * size),
    )


def assert_same_features(got: TradeFeatures, want: TradeFeatures) -> None:
    for field in dataclasses.fields(TradeFeatures):
        g, w = getattr(got, field.name), getattr(want, field.name)
        if isinstance(w, float):
            assert g == pytest.approx(w, rel=1e-7, abs=1e-7), field.name
        else:
            assert g == w, field.name


@pytest.mark.parametrize("seed", range(4))
def test_incremental_window_matches_brute_force_recomputation(seed: int) -> None:
    # given ~6,000 trades over ~3 h with gaps, some arriving a few seconds out of order,
    # and queries up to 30 s before (some trades are after ``now``) or after the newest trade
    rng = random.Random(seed)
    window, seen = TradeWindow(), []
    clock = T_S
    for step in range(6000):
        clock += rng.expovariate(1 / 2.0) if rng.random() > 0.001 else 3000.0
        t = random_tick(rng, clock - (rng.uniform(0, 5) if rng.random() < 0.1 else 0))
        window.add(t)
        seen.append(t)
        if step % 97 == 0:
            lag = rng.uniform(0, 30) if rng.random() < 0.5 else -rng.uniform(0, 30)
            now = datetime.fromtimestamp(max(clock - lag, seen[0].ts), tz=UTC)
            now_s = now.timestamp()
            # then the window agrees with a recomputation over every trade seen so far
            assert_same_features(window.features(now), compute_trade_features(seen, now_s))
