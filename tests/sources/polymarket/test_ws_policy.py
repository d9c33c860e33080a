"""The market stream's pure parts: reconnect schedule, staggering, rolling counts, settings."""

from __future__ import annotations

import random

import pytest

from polymarket_ml.sources.polymarket.ws_health import RollingCount
from polymarket_ml.sources.polymarket.ws_messages import (
    market_subscribe_message,
    market_update_message,
)
from polymarket_ml.sources.polymarket.ws_policy import (
    MarketStreamConfig,
    is_trade_rate_collapsed,
    next_reconnect_delay,
    stagger_offset_secs,
)


def test_reconnect_delay_doubles_up_to_the_cap_with_half_of_it_random() -> None:
    low = [next_reconnect_delay(n, lambda: 0.0, base_secs=0.5, cap_secs=8.0) for n in range(1, 8)]
    high = [next_reconnect_delay(n, lambda: 1.0, base_secs=0.5, cap_secs=8.0) for n in range(1, 8)]

    assert low == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert high == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_reconnect_schedule_is_reproducible_under_a_seed() -> None:
    def schedule(seed: int) -> list[float]:
        rng = random.Random(seed).random
        return [round(next_reconnect_delay(n, rng), 6) for n in range(1, 9)]

    assert schedule(7) == schedule(7)
    assert schedule(7) != schedule(8)
    # each delay lies in [ceiling/2, ceiling] for ceilings 0.5, 1, 2, 4, 8, 16, 30, 30
    assert schedule(7) == [0.330958, 0.575425, 1.650934, 2.144873, 6.143528, 10.925511,
                           15.869984, 22.611536]  # fmt: skip


def test_reconnect_delay_never_zero_and_never_over_the_cap_even_after_many_attempts() -> None:
    rng = random.Random(1).random
    delays = [next_reconnect_delay(n, rng, base_secs=0.5, cap_secs=30.0) for n in range(1, 500)]

    assert min(delays) >= 0.25
    assert max(delays) <= 30.0


def test_reconnect_attempts_start_at_one() -> None:
    with pytest.raises(ValueError, match="attempt starts at 1"):
        next_reconnect_delay(0, random.random)


def test_stagger_spreads_connections_over_the_window_and_wraps() -> None:
    offsets = [stagger_offset_secs(i, step_secs=0.25, window_secs=1.0) for i in range(6)]

    assert offsets == [0.0, 0.25, 0.5, 0.75, 0.0, 0.25]


def test_rolling_count_forgets_events_older_than_its_window() -> None:
    count = RollingCount(window_secs=60)
    count.add(100.2, 3)
    count.add(100.9)
    count.add(130.0, 2)

    assert count.total(130.5) == 6
    assert count.per_minute(159.9) == 6.0
    assert count.total(160.0) == 2  # second 100 left the window
    assert count.total(200.0) == 0
    count.add(160.0)  # reuses the bucket of second 100
    assert count.total(160.0) == 3


def test_settings_fail_with_the_name_of_the_bad_setting() -> None:
    with pytest.raises(ValueError, match="idle_timeout_secs"):
        MarketStreamConfig(idle_timeout_secs=0)
    with pytest.raises(ValueError, match="resync_grace_secs"):
        MarketStreamConfig(resync_grace_secs=-1)


def test_requests_match_the_documented_shapes() -> None:
    config = MarketStreamConfig()
    no_custom = MarketStreamConfig(custom_feature_enabled=False, initial_dump=False)

    assert market_subscribe_message(["a"], config) == (
        '{"assets_ids":["a"],"type":"market","custom_feature_enabled":true}'
    )
    assert market_subscribe_message(["a"], no_custom) == (
        '{"assets_ids":["a"],"type":"market","initial_dump":false}'
    )
    assert market_update_message("subscribe", ["b"], config) == (
        '{"operation":"subscribe","assets_ids":["b"],"custom_feature_enabled":true}'
    )
    assert market_update_message("unsubscribe", ["b"], config) == (
        '{"operation":"unsubscribe","assets_ids":["b"]}'
    )
    with pytest.raises(ValueError, match="operation"):
        market_update_message("resubscribe", ["b"], config)


def collapsed(
    usual: float | None, recent: float, connected: float | None = 600.0, floor: float = 30.0
) -> bool:
    return is_trade_rate_collapsed(
        usual_per_min=usual,
        recent_per_min=recent,
        connected_secs=connected,
        min_per_min=floor,
        recent_window_secs=300,
    )


def test_a_busy_connection_whose_trades_dried_up_is_reconnected() -> None:
    assert collapsed(usual=45.0, recent=4.0)  # 45/min for the hour, 4/min the last 5 minutes
    assert collapsed(usual=30.0, recent=29.9)  # the floor is inclusive for the usual rate


def test_the_trade_rate_rule_spares_quiet_young_and_healthy_connections() -> None:
    assert not collapsed(usual=45.0, recent=30.0)  # still at the floor
    assert not collapsed(usual=12.0, recent=0.0)  # its markets never trade 30 a minute
    assert not collapsed(usual=None, recent=0.0)  # not enough history to know its usual rate
    assert not collapsed(usual=45.0, recent=0.0, connected=299.0)  # socket younger than window
    assert not collapsed(usual=45.0, recent=0.0, connected=None)  # down: already reconnecting
    assert not collapsed(usual=45.0, recent=0.0, floor=0.0)  # the rule is switched off


def test_the_usual_trade_window_must_be_longer_than_the_recent_one() -> None:
    with pytest.raises(ValueError, match="trade_rate_usual_secs"):
        MarketStreamConfig(trade_rate_recent_secs=300, trade_rate_usual_secs=300)
