"""Feature throughput: full snapshots of T2 markets, and trades ingested into TradeWindow.

Snapshots: 2,000 T2 markets, YES and NO books of 50 levels a side, ~200 trades in the last hour
per token, each row built from the book, the token's TradeWindow and the Gamma figures. The
baseline measured in the same run recomputes the trade features from the hour's trades
(``compute_trade_features``) instead of asking the incremental window.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from polymarket_ml.core.enums import Side, Tier
from polymarket_ml.core.gamma import GammaMarketStats
from polymarket_ml.core.types import Book, Level, Market, Trade
from polymarket_ml.features.snapshot import build_snapshot
from polymarket_ml.features.trade_window import TradeWindow
from polymarket_ml.features.trades import TradeTick, compute_trade_features, tick_from_trade

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
TICK = Decimal("0.001")


def _book(rng: random.Random, token_id: str, mid: Decimal, levels: int) -> Book:
    bids = tuple(Level(mid - (i + 1) * TICK, Decimal(rng.randint(1, 5000))) for i in range(levels))
    asks = tuple(Level(mid + (i + 1) * TICK, Decimal(rng.randint(1, 5000))) for i in range(levels))
    return Book(token_id, bids=bids, asks=asks, exchange_ts=NOW - timedelta(seconds=1))


def _trades(rng: random.Random, token_id: str, count: int) -> list[Trade]:
    """``count`` trades spread over the hour before NOW, in time order."""
    offsets = sorted(rng.uniform(0, 3600) for _ in range(count))
    trades = []
    for offset in reversed(offsets):
        when = NOW - timedelta(seconds=offset)
        price = Decimal(rng.randint(300, 700)) * TICK
        size = Decimal(rng.choice((5, 20, 100, 500, 2500, 30000)))
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        trades.append(Trade(token_id, "0xc", price, size, side, when, when))
    return trades


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(quick: bool = False) -> list[str]:
    """Run the feature benchmarks; return the lines to print."""
    n_markets, trades_per_hour, levels = (200, 200, 50) if quick else (2000, 200, 50)
    rng = random.Random(42)
    market = Market(
        condition_id="0xc",
        question="bench",
        end_date=NOW + timedelta(hours=12),
        initial_price=Decimal("0.5"),
        tracking_started_at=NOW - timedelta(days=3),
    )
    gamma = GammaMarketStats(
        condition_id="0xc", price=0.5, best_bid=0.499, best_ask=0.501, volume_24h=1e4, liquidity=5e3
    )
    books = [
        (_book(rng, f"y{i}", Decimal("0.5"), levels), _book(rng, f"n{i}", Decimal("0.5"), levels))
        for i in range(n_markets)
    ]
    trades = [_trades(rng, f"y{i}", trades_per_hour) for i in range(n_markets)]
    windows = [TradeWindow() for _ in range(n_markets)]
    n_trades = sum(len(ts) for ts in trades)

    def ingest_trades() -> None:
        for window, token_trades in zip(windows, trades, strict=True):
            for trade in token_trades:
                window.add_trade(trade)

    ingest_s = _timed(ingest_trades)
    ticks: list[list[TradeTick]] = [[tick_from_trade(t) for t in ts] for ts in trades]
    tick_windows = [TradeWindow() for _ in range(n_markets)]

    def ingest_ticks() -> None:
        for window, token_ticks in zip(tick_windows, ticks, strict=True):
            for tick in token_ticks:
                window.add(tick)

    ingest_ticks_s = _timed(ingest_ticks)

    def snapshots(batch: bool) -> None:
        for i, (yes_book, no_book) in enumerate(books):
            tf = compute_trade_features(ticks[i], NOW.timestamp()) if batch else None
            build_snapshot(
                market_id=i,
                now=NOW,
                tier=Tier.T2,
                market=market,
                gamma=gamma,
                book=yes_book,
                no_book=no_book,
                trades=tf if tf is not None else windows[i].features(NOW),
            )

    incremental_s = _timed(lambda: snapshots(batch=False))
    baseline_s = _timed(lambda: snapshots(batch=True))
    query_s = _timed(lambda: [w.features(NOW) for w in windows])
    recompute_s = _timed(lambda: [compute_trade_features(t, NOW.timestamp()) for t in ticks])
    return [
        f"features: {n_markets} T2 markets, books of {levels} levels a side (YES and NO), "
        f"~{trades_per_hour} trades/h per token",
        f"  snapshots (TradeWindow)          {_rate(n_markets, incremental_s):>12,.0f} markets/s",
        f"  snapshots (baseline: recompute)  {_rate(n_markets, baseline_s):>12,.0f} markets/s"
        f"   ratio {baseline_s / incremental_s:.2f}x",
        f"  trade features alone: window {_rate(n_markets, query_s):,.0f}/s, recompute "
        f"{_rate(n_markets, recompute_s):,.0f}/s   ratio {recompute_s / query_s:.1f}x",
        f"  TradeWindow.add_trade (core Trade) {_rate(n_trades, ingest_s):>10,.0f} trades/s",
        f"  TradeWindow.add (TradeTick)        {_rate(n_trades, ingest_ticks_s):>10,.0f} trades/s",
    ]


if __name__ == "__main__":  # pragma: no cover
    print("\n".join(run()))
