"""Paper trading: the :class:`~polymarket_ml.executor.execution.Execution` of simulated fills.

Orders fill against the current book (:class:`LiveBooks`, the collector's books in ``pmml up``;
:class:`StoredBooks`, the latest ``orderbook_snapshots`` rows, in the ``pmml executor``
process) with the rules of :mod:`~polymarket_ml.executor.paper_fills`: a marketable order walks
the levels and pays what they cost, a resting order fills only when the market trades through
its price. Three things make it closer to the exchange:

- **liquidity is consumed**: the levels an order took are remembered until that book changes,
  so two orders in one scan do not take the same shares;
- **the balance can run out**: a BUY needs its limit cost plus the taker fee free in cash
  (cash minus what open BUY orders hold); otherwise it is rejected, as the exchange does;
- resting fills are whole size steps (0.01 share) of the trade that went through.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from polymarket_ml.core.enums import ExecutionMode, OrderStatus, OrderType, Side
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.core.types import Book, Level, Order, OrderbookSnapshot, Trade
from polymarket_ml.executor.book_walk import SIZE_STEP, round_size_down
from polymarket_ml.executor.execution import (
    BookSource,
    ExecutionReport,
    OrderIntent,
    RestingOrder,
)
from polymarket_ml.executor.fees import FeeSchedule, taker_fee_usd
from polymarket_ml.executor.paper_fills import (
    PaperFill,
    fill_marketable,
    fill_resting,
    remaining_size,
)

_ZERO = Decimal(0)
_OPEN = (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)


class LiveBooks:
    """Books of the WebSocket collector (only synced ones: a book waiting for a resync is
    no book). Read on the event loop that updates them."""

    def __init__(self, registry: BookRegistry) -> None:
        self.registry = registry

    def book(self, token_id: str) -> Book | None:
        local = self.registry.get(token_id)
        if local is None or not local.synced or local.needs_resync:
            return None
        return local.snapshot()

    def top(self, token_id: str) -> tuple[Level | None, Level | None, datetime | None] | None:
        """Best bid, best ask and receipt time of the last update, without copying the book."""
        local = self.registry.get(token_id)
        if local is None or not local.synced or local.needs_resync:
            return None
        return local.best_bid, local.best_ask, local.received_at


class StoredBooks:
    """The latest stored book of each token, replaced on every scan."""

    def __init__(self, books: Mapping[str, OrderbookSnapshot] | None = None) -> None:
        self._books: Mapping[str, OrderbookSnapshot] = books or {}

    def replace(self, books: Mapping[str, OrderbookSnapshot]) -> None:
        self._books = books

    def book(self, token_id: str) -> Book | None:
        stored = self._books.get(token_id)
        if stored is None:
            return None
        return Book(
            token_id=token_id,
            bids=stored.bids,
            asks=stored.asks,
            exchange_ts=stored.exchange_ts,
            received_at=stored.timestamp,
        )

    def top(self, token_id: str) -> tuple[Level | None, Level | None, datetime | None] | None:
        stored = self._books.get(token_id)
        if stored is None:
            return None
        bid = stored.bids[0] if stored.bids else None
        ask = stored.asks[0] if stored.asks else None
        return bid, ask, stored.timestamp


@dataclass(slots=True)
class _Open:
    order: Order
    fee: FeeSchedule
    signal_price: Decimal | None


@dataclass(slots=True)
class _Taken:
    """Shares taken per price from one side of one book, valid while the book is unchanged."""

    stamp: tuple[datetime | None, datetime | None]
    shares: dict[Decimal, Decimal]


class PaperExecution:
    """Simulated fills against ``books``; ``balance`` returns the cash of the portfolio."""

    def __init__(self, books: BookSource, balance: Callable[[], Decimal]) -> None:
        self.books = books
        self._balance = balance
        self._open: dict[str, _Open] = {}
        self._taken: dict[tuple[str, Side], _Taken] = {}

    @property
    def mode(self) -> ExecutionMode:
        return ExecutionMode.PAPER

    # -- the protocol

    def submit(self, intent: OrderIntent, now: datetime) -> ExecutionReport:
        order = intent.to_order(ExecutionMode.PAPER, OrderStatus.OPEN, now)
        if intent.side is Side.BUY:
            need = _buy_cost(intent.price, intent.size, intent.fee)
            free = self.free_usd()
            if need > free:
                reason = f"balance: needs {need:.2f} USD, {free:.2f} USD free"
                return ExecutionReport(_with(order, OrderStatus.REJECTED, now, reason))
        fills = self._take(order, intent.fee, intent.signal_price, now)
        filled = sum((f.size for f in fills), _ZERO)
        order = dataclasses.replace(order, filled_size=filled)
        if filled >= order.size:
            return ExecutionReport(_with(order, OrderStatus.FILLED, now), fills)
        if order.order_type in (OrderType.FAK, OrderType.FOK):
            why = "nothing marketable up to the limit" if not fills else "rest of a FAK order"
            return ExecutionReport(_with(order, OrderStatus.CANCELLED, now, why), fills)
        status = OrderStatus.PARTIALLY_FILLED if fills else OrderStatus.OPEN
        order = _with(order, status, now)
        self._open[order.client_order_id] = _Open(order, intent.fee, intent.signal_price)
        return ExecutionReport(order, fills)

    def cancel(self, client_order_id: str, now: datetime, reason: str) -> ExecutionReport | None:
        found = self._open.pop(client_order_id, None)
        if found is None:
            return None
        return ExecutionReport(_with(found.order, OrderStatus.CANCELLED, now, reason))

    def open_orders(self) -> tuple[Order, ...]:
        return tuple(o.order for o in self._open.values())

    def on_trade(self, trade: Trade, now: datetime) -> tuple[ExecutionReport, ...]:
        resting = [o for o in self._open.values() if o.order.token_id == trade.token_id]
        if not resting:
            return ()
        left = round_size_down(trade.size, SIZE_STEP)
        # price priority: the best-priced order is first in the queue
        resting.sort(key=lambda o: -o.order.price if o.order.side is Side.BUY else o.order.price)
        reports = []
        for entry in resting:
            if left <= 0:
                break
            piece = dataclasses.replace(trade, size=left)
            fill = fill_resting(
                entry.order, piece, fee=entry.fee, now=now, signal_price=entry.signal_price
            )
            if fill is None:
                continue
            left -= fill.size
            reports.append(self._filled(entry, (fill,), now))
        return tuple(reports)

    def on_time(self, now: datetime) -> tuple[ExecutionReport, ...]:
        expired = [
            o
            for o in self._open.values()
            if o.order.order_type is OrderType.GTD
            and o.order.expires_at is not None
            and o.order.expires_at <= now
        ]
        reports = []
        for entry in expired:
            del self._open[entry.order.client_order_id]
            order = _with(entry.order, OrderStatus.EXPIRED, now, "time in force ran out")
            reports.append(ExecutionReport(order))
        return tuple(reports)

    def restore(self, orders: Sequence[RestingOrder]) -> None:
        for resting in orders:
            if resting.order.status in _OPEN:
                self._open[resting.order.client_order_id] = _Open(
                    resting.order, resting.fee, resting.signal_price
                )

    def reserved_usd(self) -> Decimal:
        return sum(
            (
                _buy_cost(o.order.price, remaining_size(o.order), o.fee)
                for o in self._open.values()
                if o.order.side is Side.BUY
            ),
            _ZERO,
        )

    # -- helpers

    def free_usd(self) -> Decimal:
        """Cash not held by open BUY orders."""
        return self._balance() - self.reserved_usd()

    def _take(
        self, order: Order, fee: FeeSchedule, signal_price: Decimal | None, now: datetime
    ) -> tuple[PaperFill, ...]:
        book = self.books.book(order.token_id)
        if book is None:
            return ()
        key = (order.token_id, order.side)
        stamp = (book.received_at, book.exchange_ts)
        taken = self._taken.get(key)
        if taken is None or taken.stamp != stamp:
            taken = self._taken[key] = _Taken(stamp, {})
        side = book.asks if order.side is Side.BUY else book.bids
        left = _without(side, taken.shares)
        view = dataclasses.replace(book, asks=left) if order.side is Side.BUY else None
        view = view or dataclasses.replace(book, bids=left)
        fills = fill_marketable(order, view, fee=fee, now=now, signal_price=signal_price)
        for f in fills:
            taken.shares[f.price] = taken.shares.get(f.price, _ZERO) + f.size
        return fills

    def _filled(self, entry: _Open, fills: tuple[PaperFill, ...], now: datetime) -> ExecutionReport:
        order = entry.order
        filled = order.filled_size + sum((f.size for f in fills), _ZERO)
        done = filled >= order.size
        status = OrderStatus.FILLED if done else OrderStatus.PARTIALLY_FILLED
        order = dataclasses.replace(order, filled_size=filled, status=status, updated_at=now)
        if done:
            del self._open[order.client_order_id]
        else:
            entry.order = order
        return ExecutionReport(order, fills)


def _buy_cost(price: Decimal, shares: Decimal, fee: FeeSchedule) -> Decimal:
    """Cash a BUY of ``shares`` up to ``price`` may need: its cost and the taker fee on it."""
    return price * shares + taker_fee_usd(shares, price, fee)


def _without(levels: Iterable[Level], taken: Mapping[Decimal, Decimal]) -> tuple[Level, ...]:
    if not taken:
        return tuple(levels)
    out = []
    for level in levels:
        size = level.size - taken.get(level.price, _ZERO)
        if size > 0:
            out.append(Level(level.price, size))
    return tuple(out)


def _with(order: Order, status: OrderStatus, now: datetime, reason: str | None = None) -> Order:
    return dataclasses.replace(
        order, status=status, updated_at=now, reject_reason=reason or order.reject_reason
    )
