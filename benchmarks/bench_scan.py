"""One executor scan: 2,000 markets through all four strategies, then risk and sizing.

The markets are a mix a scan meets: favourites and longshots close to resolution, markets that
moved 0.12 in the hour (half of them with news-like volume), deadline series of three markets
with one violation in four, and ordinary markets; every one with mirrored book tops, a snapshot
and an hour of price history, asks 10 levels deep for sizing. Reports the scan alone, risk and
sizing of its signals, the whole in ms and markets/s against the 200 ms target, and the baseline
of a bare pass over the same views (reading each book top) measured in the same run. Then paper
fills: marketable orders walking three levels, and resting orders meeting a trade.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from polymarket_ml.core.enums import ExecutionMode, OrderStatus, OrderType, Outcome, Side, Tier
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Book, Level, Market, Order, Signal, Trade
from polymarket_ml.executor.config import ExecutorConfig
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.paper_fills import fill_marketable, fill_resting
from polymarket_ml.executor.risk import PortfolioState, check_signal
from polymarket_ml.executor.sizing import MarketLimits, size_entry
from polymarket_ml.executor.strategies.base import MarketView, PricePoint, safe_scan
from polymarket_ml.executor.strategies.registry import StrategyRegistry

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
TICK = Decimal("0.01")
FEE = FeeSchedule(rate=Decimal("0.04"))
ONE = Decimal(1)


def _view(i: int, rng: random.Random) -> MarketView:
    kind = i % 8
    hours, event = rng.uniform(1, 60), None
    mid = Decimal(rng.randint(20, 80)) * TICK
    if kind == 0:  # favourite
        mid = Decimal(rng.randint(93, 98)) * TICK
    elif kind == 1:  # longshot
        mid = Decimal(rng.randint(2, 6)) * TICK
    elif kind in (2, 3):  # moved 0.12 in the hour
        mid += Decimal("0.12")
    elif kind in (4, 5, 6):  # deadline series: 3 markets of one event
        event, hours = f"e{i // 8}", 100.0 * kind
        mid = Decimal(40 - 5 * (kind - 4) if i % 32 < 8 else 30 + 5 * (kind - 4)) * TICK
    start = mid - Decimal("0.12") if kind in (2, 3) else mid
    market = Market(
        condition_id=f"0x{i:064x}", question="bench", slug=f"m{i}", event_id=event,
        yes_token_id=f"y{i}", no_token_id=f"n{i}", end_date=NOW + timedelta(hours=hours),
        tick_size=TICK, min_order_size=Decimal(5), id=i + 1,
    )  # fmt: skip
    snapshot = FeatureSnapshot(
        market_id=i + 1, timestamp=NOW, tier=Tier.T3, price=float(mid),
        volume_1h=500.0 if kind == 3 else 100.0, volume_24h=2400.0, whale_net_flow_1h=0.0,
    )  # fmt: skip
    history = tuple(
        PricePoint(NOW - timedelta(minutes=m), start + (mid - start) * (60 - m) / 60)
        for m in range(60, -1, -5)
    )
    bid, ask = Level(mid - TICK, Decimal(500)), Level(mid + TICK, Decimal(500))
    return MarketView(
        market, NOW, snapshot, bid, ask, Level(ONE - ask.price, ask.size),
        Level(ONE - bid.price, bid.size), history, fee=FEE,
    )  # fmt: skip


def _asks(top: Decimal) -> tuple[Level, ...]:
    return tuple(Level(top + k * TICK, Decimal(100)) for k in range(10) if top + k * TICK < ONE)


def _order(i: int, side: Side, price: Decimal, size: Decimal) -> Order:
    return Order(
        f"c{i}", 1, "y", side, price, size, OrderType.FAK, ExecutionMode.PAPER,
        OrderStatus.OPEN, NOW, NOW,
    )  # fmt: skip


def _best_ms(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def run(quick: bool = False) -> list[str]:
    """Time one scan with risk and sizing, and paper fills; return the lines to print."""
    n_markets, repeat, n_orders = (400, 3, 2_000) if quick else (2_000, 7, 20_000)
    rng = random.Random(7)
    views = [_view(i, rng) for i in range(n_markets)]
    config = ExecutorConfig()
    strategies = StrategyRegistry.from_config(config).enabled()
    portfolio = PortfolioState(Decimal(10000), Decimal(10000), Decimal(10000))
    asks = {v.market.yes_token_id: _asks(v.yes_ask.price) for v in views if v.yes_ask}
    asks |= {v.market.no_token_id: _asks(v.no_ask.price) for v in views if v.no_ask}
    signals: tuple[Signal, ...] = safe_scan(strategies, views).signals

    def baseline() -> None:
        sum(1 for v in views if v.ask(Outcome.YES) is not None and v.hours_to_close)

    def scan() -> None:
        safe_scan(strategies, views)

    def risk_and_size() -> int:
        placed = 0
        for sig in signals:
            decision = check_signal(sig, portfolio, config.risk, market_data_at=NOW, now=NOW)
            sized = size_entry(
                sig, asks[sig.token_id], config=config.sizing, max_size_usd=decision.max_size_usd,
                max_slippage=config.execution.max_slippage, limits=MarketLimits(),
                bankroll_usd=portfolio.equity_usd,
            )  # fmt: skip
            placed += sized.order is not None
        return placed

    def whole() -> None:
        safe_scan(strategies, views)
        risk_and_size()

    base_ms, scan_ms = _best_ms(baseline, repeat), _best_ms(scan, repeat)
    sized_ms, whole_ms = _best_ms(risk_and_size, repeat), _best_ms(whole, repeat)
    by_strategy: dict[str, int] = {}
    for sig in signals:
        by_strategy[sig.strategy] = by_strategy.get(sig.strategy, 0) + 1
    lines = [
        f"scan of {n_markets} markets, 4 strategies: {len(signals)} signals "
        + ", ".join(f"{k} {v}" for k, v in sorted(by_strategy.items()))
        + f"; {risk_and_size()} sized orders",
        f"  bare pass over the views (baseline): {base_ms:8.2f} ms",
        f"  strategies (safe_scan):              {scan_ms:8.2f} ms  "
        f"({scan_ms / base_ms:.0f}x the baseline)",
        f"  risk + sizing of the signals:        {sized_ms:8.2f} ms",
        f"  whole scan:                          {whole_ms:8.2f} ms  "
        f"= {n_markets / whole_ms * 1000:,.0f} markets/s (target < 200 ms for 2,000)",
    ]
    book = Book("y", bids=_asks(Decimal("0.30"))[::-1], asks=_asks(Decimal("0.60")))
    buys = [_order(i, Side.BUY, Decimal("0.65"), Decimal(250)) for i in range(n_orders)]
    rest = [_order(i, Side.BUY, Decimal("0.55"), Decimal(100)) for i in range(n_orders)]
    trade = Trade("y", "0xc", Decimal("0.54"), Decimal(30), Side.SELL, NOW, NOW)
    walk_ms = _best_ms(lambda: [fill_marketable(o, book, fee=FEE, now=NOW) for o in buys], 3)
    rest_ms = _best_ms(lambda: [fill_resting(o, trade, fee=FEE, now=NOW) for o in rest], 3)
    lines += [
        f"paper fills, marketable (3 levels each): {n_orders / walk_ms * 1000:10,.0f} orders/s",
        f"paper fills, resting on a trade-through: {n_orders / rest_ms * 1000:10,.0f} orders/s",
    ]
    return lines
