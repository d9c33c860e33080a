"""Paper execution: orders per second through :class:`PaperExecution` and the portfolio.

Each order is a marketable BUY walking three levels of a 10-level book (liquidity consumed,
the balance checked against cash minus what resting orders hold), its fills booked in the
:class:`Portfolio` (average cost, fees, the identity), then a SELL of half of it. The baseline,
measured in the same run, is the bare pure walk (``fill_marketable``) on the same books.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from polymarket_ml.core.enums import ExecutionMode, OrderStatus, OrderType, Outcome, Side
from polymarket_ml.core.types import Level, Order, OrderbookSnapshot
from polymarket_ml.executor.book_walk import round_size_down
from polymarket_ml.executor.execution import OrderIntent
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.paper import PaperExecution, StoredBooks
from polymarket_ml.executor.paper_fills import fill_marketable
from polymarket_ml.executor.portfolio import Portfolio

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
FEE = FeeSchedule(rate=Decimal("0.04"))
TOKENS = 500


def _books(at: datetime) -> dict[str, OrderbookSnapshot]:
    out = {}
    for i in range(TOKENS):
        mid = Decimal(20 + i % 60) / 100
        bids = tuple(Level(mid - Decimal(k + 1) / 100, Decimal(40)) for k in range(10))
        asks = tuple(Level(mid + Decimal(k + 1) / 100, Decimal(40)) for k in range(10))
        out[f"t{i}"] = OrderbookSnapshot(1, f"t{i}", at, bids, asks)
    return out


def _intent(n: int, token: str, side: Side, price: Decimal, size: Decimal) -> OrderIntent:
    return OrderIntent(f"c{n}", 1, token, side, price, size, OrderType.FAK, FEE, price, "bench")


def run(quick: bool = False) -> list[str]:
    orders = 2_000 if quick else 20_000
    stored = StoredBooks(_books(NOW))
    portfolio = Portfolio(mode=ExecutionMode.PAPER, starting_balance_usd=Decimal(10**9))
    paper = PaperExecution(stored, lambda: portfolio.cash_usd)
    started = time.perf_counter()
    for n in range(orders):
        if n % TOKENS == 0:  # the books change: consumed liquidity comes back
            stored.replace(_books(NOW + timedelta(seconds=n)))
        token = f"t{n % TOKENS}"
        mid = Decimal(20 + (n % TOKENS) % 60) / 100
        buy = paper.submit(_intent(n, token, Side.BUY, mid + Decimal("0.05"), Decimal(100)), NOW)
        for fill in buy.fills:
            portfolio.apply_fill(fill, outcome=Outcome.YES, strategy="bench", now=NOW)
        held = portfolio.position(token)
        if held is not None:
            sell = paper.submit(
                _intent(-n - 1, token, Side.SELL, Decimal("0.01"), round_size_down(held.size / 2)),
                NOW,
            )
            for fill in sell.fills:
                portfolio.apply_fill(fill, outcome=Outcome.YES, strategy="bench", now=NOW)
    elapsed = time.perf_counter() - started
    assert portfolio.identity_gap() == 0

    book = stored.book("t0")
    assert book is not None
    order = Order(
        "b", 1, "t0", Side.BUY, Decimal("0.30"), Decimal(100), OrderType.FAK,
        ExecutionMode.PAPER, OrderStatus.OPEN, NOW, NOW,
    )  # fmt: skip
    base_started = time.perf_counter()
    for _ in range(orders * 2):
        fill_marketable(order, book, fee=FEE, now=NOW)
    base = time.perf_counter() - base_started
    total = orders * 2
    return [
        f"paper execution + accounting: {total} orders in {elapsed:.2f} s = "
        f"{total / elapsed:,.0f} orders/s ({orders} buys of 3 levels, {orders} sells)",
        f"baseline, the bare pure walk: {total / base:,.0f} orders/s "
        f"(paper execution at {base / elapsed:.2f}x of it)",
    ]
