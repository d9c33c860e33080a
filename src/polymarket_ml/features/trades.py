"""Trade-stream features over windows ending at ``t``: flow, VWAP, whales, volatility.

See ``FEATURES.md``, "From the WebSocket trade stream". "1h" is the half-open window
``(t − 1h, t]``: a trade exactly at ``t − 1h`` is out, one exactly at ``t`` is in.

This module holds the plain values (:class:`TradeTick`, :class:`TradeFeatures`), whale tiers, and
:func:`compute_trade_features`, a batch computation over a list of ticks (for backfills from stored
trades, and the reference that :class:`~polymarket_ml.features.trade_window.TradeWindow`, the
incremental version the collector keeps per token, is tested against).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from polymarket_ml.core.enums import Side, WhaleTier
from polymarket_ml.core.types import Trade

WINDOW_1H_S = 3600.0
WINDOW_5M_S = 300.0
WHALE_THRESHOLDS_USD: tuple[float, float, float] = (100.0, 1_000.0, 10_000.0)
WHALE_MIN_TIER = WhaleTier.LARGE  # a whale trade is tier 2 or above


class TradeTick(NamedTuple):
    """One trade, reduced to what the trade features need.

    ``ts`` is epoch seconds on the clock the windows are measured on (see :func:`tick_from_trade`);
    ``notional`` is ``price × size`` in USD.
    """

    ts: float
    price: float
    size: float
    side: Side
    notional: float
    whale_tier: WhaleTier = WhaleTier.NONE
    exchange_ts: datetime | None = None

    @property
    def is_whale(self) -> bool:
        return self.whale_tier >= WHALE_MIN_TIER


@dataclass(frozen=True, slots=True)
class TradeFeatures:
    """The 17 trade-stream columns, ``volatility_1h``, and the last trade's exchange time.

    All ``None`` (:meth:`not_followed`) means the WebSocket does not follow the token. A followed
    token with no trades in the window has counts and sums of 0 and ``None`` for ``vwap_1h``,
    ``avg_trade_size_1h`` and ``max_trade_size_1h``.
    """

    trade_count_1h: int | None = None
    buy_count_1h: int | None = None
    sell_count_1h: int | None = None
    volume_1h: float | None = None
    buy_volume_1h: float | None = None
    sell_volume_1h: float | None = None
    net_flow_1h: float | None = None
    vwap_1h: float | None = None
    avg_trade_size_1h: float | None = None
    max_trade_size_1h: float | None = None
    trade_count_5m: int | None = None
    volume_5m: float | None = None
    whale_count_1h: int | None = None
    whale_volume_1h: float | None = None
    whale_net_flow_1h: float | None = None
    time_since_whale: float | None = None
    time_since_trade: float | None = None
    volatility_1h: float | None = None
    last_trade_exchange_ts: datetime | None = None

    @classmethod
    def not_followed(cls) -> TradeFeatures:
        """Features of a token the WebSocket does not follow: every column NULL."""
        return cls()


def classify_whale_tier(
    notional: float | Decimal,
    thresholds: Sequence[float | Decimal] = WHALE_THRESHOLDS_USD,
) -> WhaleTier:
    """Whale tier of a trade by its notional in USD; each threshold is inclusive ("from $100")."""
    low, mid, high = thresholds
    if notional >= high:
        return WhaleTier.HUGE
    if notional >= mid:
        return WhaleTier.LARGE
    if notional >= low:
        return WhaleTier.MEDIUM
    return WhaleTier.NONE


def tick_from_trade(
    trade: Trade, thresholds: Sequence[float | Decimal] = WHALE_THRESHOLDS_USD
) -> TradeTick:
    """A core trade as a tick, timed by our receipt time ``received_at``.

    Receipt time is on the same clock as the snapshot time ``t``, so a trade counts in a snapshot
    only once we had seen it (no look-ahead, no exchange clock skew), and arrival order is time
    order. The whale tier is computed from the exact ``Decimal`` notional with ``thresholds``
    (``trade.whale_tier`` is not trusted, it may not have been set).
    """
    notional = trade.price * trade.size
    return TradeTick(
        ts=trade.received_at.timestamp(),
        price=float(trade.price),
        size=float(trade.size),
        side=trade.side,
        notional=float(notional),
        whale_tier=classify_whale_tier(notional, thresholds),
        exchange_ts=trade.exchange_ts,
    )


def compute_volatility(prices: Sequence[float]) -> float | None:
    """Sample standard deviation (``ddof=1``) of the log-returns ``ln(p[i] / p[i−1])``.

    ``prices`` are consecutive trade prices in time order; ``n`` prices give ``n − 1`` returns,
    and the result is ``None`` with fewer than 3 prices (fewer than 2 returns). Not annualised.
    """
    if len(prices) < 3:
        return None
    returns = [math.log(b / a) for a, b in itertools.pairwise(prices)]
    mean = sum(returns) / len(returns)
    return math.sqrt(sum((r - mean) ** 2 for r in returns) / (len(returns) - 1))


def compute_trade_features(ticks: Iterable[TradeTick], now_s: float) -> TradeFeatures:
    """All trade features at ``now_s`` (epoch seconds) from every tick seen since tracking began.

    Ticks may come in any order; ticks after ``now_s`` are ignored. Equal timestamps keep their
    given order (it matters for ``volatility_1h``). O(n log n): the batch reference, not the hot
    path.
    """
    seen = sorted((t for t in ticks if t.ts <= now_s), key=lambda t: t.ts)
    last = seen[-1] if seen else None
    last_whale = next((t for t in reversed(seen) if t.is_whale), None)
    hour = [t for t in seen if t.ts > now_s - WINDOW_1H_S]
    five = [t for t in hour if t.ts > now_s - WINDOW_5M_S]
    buys = [t for t in hour if t.side is Side.BUY]
    sells = [t for t in hour if t.side is not Side.BUY]
    whales = [t for t in hour if t.is_whale]
    volume = _notional(hour)
    buy_volume, sell_volume = _notional(buys), _notional(sells)
    size = sum((t.size for t in hour), 0.0)
    whale_buy = _notional(t for t in whales if t.side is Side.BUY)
    whale_sell = _notional(t for t in whales if t.side is not Side.BUY)
    return TradeFeatures(
        trade_count_1h=len(hour),
        buy_count_1h=len(buys),
        sell_count_1h=len(sells),
        volume_1h=volume,
        buy_volume_1h=buy_volume,
        sell_volume_1h=sell_volume,
        net_flow_1h=buy_volume - sell_volume,
        vwap_1h=volume / size if hour else None,
        avg_trade_size_1h=volume / len(hour) if hour else None,
        max_trade_size_1h=max(t.notional for t in hour) if hour else None,
        trade_count_5m=len(five),
        volume_5m=_notional(five),
        whale_count_1h=len(whales),
        whale_volume_1h=_notional(whales),
        whale_net_flow_1h=whale_buy - whale_sell,
        time_since_whale=now_s - last_whale.ts if last_whale is not None else None,
        time_since_trade=now_s - last.ts if last is not None else None,
        volatility_1h=compute_volatility([t.price for t in hour]),
        last_trade_exchange_ts=last.exchange_ts if last is not None else None,
    )


def _notional(ticks: Iterable[TradeTick]) -> float:
    return sum((t.notional for t in ticks), 0.0)
