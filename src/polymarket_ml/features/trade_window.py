"""Incremental trade features of one token: what the WebSocket collector keeps per token.

Running sums over a deque of the trades of the last hour, evicted from the front as time moves
on; a monotonic deque for the largest trade; running sums of log-returns for the volatility.
Adding a trade and asking for the features are O(1) amortised. Memory is bounded by the trades
of the last hour (plus a one-minute grace) and a handful of numbers: older trades are dropped,
only the times of the last trade and of the last whale trade are remembered.
"""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Trade
from polymarket_ml.features.trades import (
    WHALE_THRESHOLDS_USD,
    WINDOW_1H_S,
    WINDOW_5M_S,
    TradeFeatures,
    TradeTick,
    compute_trade_features,
    tick_from_trade,
)

# Trades are kept this long past the window, so that a query at a ``now`` slightly before the
# newest trade (the snapshot's ``t`` was taken, then more trades arrived) is still exact.
GRACE_S = 60.0
# Float running sums are recomputed from the deque every so many evictions, to bound drift.
_RESUM_EVERY = 4096


class TradeWindow:
    """Rolling trade metrics of one token, fed trade by trade, asked at any ``now``.

    Created when the WebSocket starts following the token ("tracking began"). ``now`` should not
    go backwards between calls: trades that a later ``now`` pushed out of the window are gone.
    Trades timed after ``now`` are left out of that answer (computed then by a slower O(n) path).
    """

    def __init__(self, whale_thresholds: Sequence[float | Decimal] = WHALE_THRESHOLDS_USD) -> None:
        self._thresholds = tuple(whale_thresholds)
        self._ticks: deque[TradeTick] = deque()  # last hour, sorted by ts
        self._returns: deque[float] = deque()  # _returns[i] = ln(p[i+1] / p[i]) of _ticks
        self._short: deque[TradeTick] = deque()  # last 5 minutes
        self._max: deque[TradeTick] = deque()  # notionals strictly decreasing: front is the max
        self._horizon = -math.inf  # trades at or before it have left the hour window
        self._short_horizon = -math.inf
        self._last: TradeTick | None = None  # newest trade seen since tracking began
        self._last_whale: TradeTick | None = None
        self._gone_last: TradeTick | None = None  # newest among trades that left the window
        self._gone_last_whale: TradeTick | None = None
        self._evictions = 0
        self._vol_5m = 0.0
        self._reset_sums()

    def __len__(self) -> int:
        """Number of trades held (the last hour, plus the grace)."""
        return len(self._ticks)

    def add_trade(self, trade: Trade) -> None:
        """Ingest a core trade, timed by its receipt time (see ``tick_from_trade``)."""
        self.add(tick_from_trade(trade, self._thresholds))

    def add(self, tick: TradeTick) -> None:
        """Ingest one trade; O(1) amortised when trades come in time order."""
        if not (tick.price > 0 and tick.size > 0):
            raise ValueError(f"a trade needs a positive price and size, got {tick}")
        if self._last is None or tick.ts >= self._last.ts:
            self._last = tick
        if tick.is_whale and (self._last_whale is None or tick.ts >= self._last_whale.ts):
            self._last_whale = tick
        self._advance(tick.ts - WINDOW_1H_S - GRACE_S, tick.ts - WINDOW_5M_S - GRACE_S)
        if tick.ts <= self._horizon:  # arrived after its window had passed
            self._note_gone(tick)
        elif not self._ticks or tick.ts >= self._ticks[-1].ts:
            self._append(tick)
        else:  # out of order: insert in place, then rebuild what depends on order
            self._ticks.insert(bisect_right(self._ticks, tick.ts, key=lambda t: t.ts), tick)
            self._rebuild()

    def features(self, now: datetime) -> TradeFeatures:
        """The trade features over the windows ending at ``now`` (an aware datetime)."""
        if now.tzinfo is None:
            raise ValueError("TradeWindow.features needs a timezone-aware now")
        now_s = now.timestamp()
        self._advance(now_s - WINDOW_1H_S, now_s - WINDOW_5M_S)
        if self._last is not None and self._last.ts > now_s:
            return self._features_slow(now_s)
        n = self._n
        volatility = None
        if n >= 3:
            m = n - 1
            var = (self._ret_sq - self._ret_sum * self._ret_sum / m) / (m - 1)
            volatility = math.sqrt(max(var, 0.0))
        last, whale = self._last, self._last_whale
        return TradeFeatures(
            trade_count_1h=n,
            buy_count_1h=self._n_buy,
            sell_count_1h=n - self._n_buy,
            volume_1h=self._vol if n else 0.0,
            buy_volume_1h=self._vol_buy if self._n_buy else 0.0,
            sell_volume_1h=self._vol_sell if n - self._n_buy else 0.0,
            net_flow_1h=self._vol_buy - self._vol_sell if n else 0.0,
            vwap_1h=self._vol / self._size if n else None,
            avg_trade_size_1h=self._vol / n if n else None,
            max_trade_size_1h=self._max[0].notional if n else None,
            trade_count_5m=len(self._short),
            volume_5m=self._vol_5m if self._short else 0.0,
            whale_count_1h=self._n_whale,
            whale_volume_1h=self._whale_buy + self._whale_sell if self._n_whale else 0.0,
            whale_net_flow_1h=self._whale_buy - self._whale_sell if self._n_whale else 0.0,
            time_since_whale=now_s - whale.ts if whale is not None else None,
            time_since_trade=now_s - last.ts if last is not None else None,
            volatility_1h=volatility,
            last_trade_exchange_ts=last.exchange_ts if last is not None else None,
        )

    # -- internals

    def _features_slow(self, now_s: float) -> TradeFeatures:
        """Some trades are timed after ``now_s``: recompute from the deque, leaving them out."""
        result = compute_trade_features(self._ticks, now_s)
        gone, gone_whale = self._gone_last, self._gone_last_whale
        if result.time_since_trade is None and gone is not None:
            result = dataclasses.replace(
                result, time_since_trade=now_s - gone.ts, last_trade_exchange_ts=gone.exchange_ts
            )
        if result.time_since_whale is None and gone_whale is not None:
            result = dataclasses.replace(result, time_since_whale=now_s - gone_whale.ts)
        return result

    def _append(self, tick: TradeTick) -> None:
        if self._ticks:
            r = math.log(tick.price / self._ticks[-1].price)
            self._returns.append(r)
            self._ret_sum += r
            self._ret_sq += r * r
        self._ticks.append(tick)
        self._count(tick, +1)
        if tick.ts > self._short_horizon:
            self._short.append(tick)
            self._vol_5m += tick.notional
        while self._max and self._max[-1].notional <= tick.notional:
            self._max.pop()
        self._max.append(tick)

    def _advance(self, horizon: float, short_horizon: float) -> None:
        """Move the window starts forward (never back) and evict what they passed."""
        if short_horizon > self._short_horizon:
            self._short_horizon = short_horizon
            short = self._short
            while short and short[0].ts <= short_horizon:
                self._vol_5m -= short.popleft().notional
            if not short:
                self._vol_5m = 0.0
        if horizon <= self._horizon:
            return
        self._horizon = horizon
        ticks = self._ticks
        while ticks and ticks[0].ts <= horizon:
            gone = ticks.popleft()
            self._count(gone, -1)
            self._note_gone(gone)
            if self._returns:
                r = self._returns.popleft()
                self._ret_sum -= r
                self._ret_sq -= r * r
            self._evictions += 1
        while self._max and self._max[0].ts <= horizon:
            self._max.popleft()
        if not ticks:
            self._reset_sums()
        elif self._evictions >= _RESUM_EVERY:
            self._rebuild()

    def _count(self, tick: TradeTick, sign: int) -> None:
        notional = sign * tick.notional
        self._n += sign
        self._vol += notional
        self._size += sign * tick.size
        buy = tick.side is Side.BUY
        if buy:
            self._n_buy += sign
            self._vol_buy += notional
        else:
            self._vol_sell += notional
        if tick.is_whale:
            self._n_whale += sign
            if buy:
                self._whale_buy += notional
            else:
                self._whale_sell += notional

    def _note_gone(self, tick: TradeTick) -> None:
        if self._gone_last is None or tick.ts >= self._gone_last.ts:
            self._gone_last = tick
        if tick.is_whale and (self._gone_last_whale is None or tick.ts >= self._gone_last_whale.ts):
            self._gone_last_whale = tick

    def _reset_sums(self) -> None:
        self._n = self._n_buy = self._n_whale = 0
        self._vol = self._vol_buy = self._vol_sell = self._size = 0.0
        self._whale_buy = self._whale_sell = 0.0
        self._ret_sum = self._ret_sq = 0.0

    def _rebuild(self) -> None:
        """Recompute every sum and the derived deques from ``_ticks`` (O(n), rare)."""
        ticks = list(self._ticks)
        self._ticks.clear()
        self._returns.clear()
        self._short.clear()
        self._max.clear()
        self._evictions = 0
        self._vol_5m = 0.0
        self._reset_sums()
        for tick in ticks:
            self._append(tick)
