"""A hand-worked trade scenario shared by the batch and the incremental trade tests."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.features.trades import TradeFeatures, TradeTick, classify_whale_tier

T = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
T_S = T.timestamp()


def tick(seconds_before_t: float, price: float, size: float, side: Side) -> TradeTick:
    notional = price * size
    return TradeTick(
        ts=T_S - seconds_before_t,
        price=price,
        size=size,
        side=side,
        notional=notional,
        whale_tier=classify_whale_tier(notional),
    )


BUY, SELL = Side.BUY, Side.SELL

# The scenario used here and in the window tests; windows end at T.
SCENARIO = [
    tick(3600, 0.40, 100, BUY),  # exactly t − 1h: OUT of the hour
    tick(3599, 0.50, 4000, SELL),  # $2,000: a tier-2 whale, selling
    tick(1800, 0.40, 500, SELL),  # $200: tier 1, not a whale
    tick(300, 0.50, 100, SELL),  # exactly t − 5m: in the hour, OUT of the 5 minutes
    tick(60, 0.60, 20000, BUY),  # $12,000: a tier-3 whale, buying
    tick(0, 0.50, 30, SELL),  # exactly t: IN both windows
]
# prices in the hour 0.5, 0.4, 0.5, 0.6, 0.5: log-returns ln 0.8, ln 1.25, ln 1.2, ln(5/6),
# which cancel in pairs (mean 0), so the sample variance is (2·ln²1.25 + 2·ln²1.2) / 3
SCENARIO_VOLATILITY = math.sqrt((2 * math.log(1.25) ** 2 + 2 * math.log(1.2) ** 2) / 3)


def assert_scenario_features(f: TradeFeatures) -> None:
    """The scenario's features at T, worked out by hand."""
    assert (f.trade_count_1h, f.buy_count_1h, f.sell_count_1h) == (5, 1, 4)
    assert f.volume_1h == pytest.approx(2000 + 200 + 50 + 12000 + 15)  # 14,265
    assert f.buy_volume_1h == pytest.approx(12000)
    assert f.sell_volume_1h == pytest.approx(2265)
    assert f.net_flow_1h == pytest.approx(12000 - 2265)
    assert f.vwap_1h == pytest.approx(14265 / (4000 + 500 + 100 + 20000 + 30))
    assert f.avg_trade_size_1h == pytest.approx(14265 / 5)
    assert f.max_trade_size_1h == pytest.approx(12000)
    assert f.trade_count_5m == 2
    assert f.volume_5m == pytest.approx(12015)
    assert f.whale_count_1h == 2
    assert f.whale_volume_1h == pytest.approx(14000)
    assert f.whale_net_flow_1h == pytest.approx(12000 - 2000)
    assert f.time_since_whale == pytest.approx(60)
    assert f.time_since_trade == 0.0
    assert f.volatility_1h == pytest.approx(SCENARIO_VOLATILITY)
    assert pytest.approx(0.23528, abs=1e-5) == SCENARIO_VOLATILITY
