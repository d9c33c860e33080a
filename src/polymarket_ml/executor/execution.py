"""The execution interface: what the engine asks of paper and live trading alike.

The engine decides *what* to trade (risk, sizing, style); an :class:`Execution` only places,
fills and cancels orders, and tells the engine what happened as :class:`ExecutionReport`
values: the order as it now stands and the fills since the last report. Paper
(:mod:`polymarket_ml.executor.paper`) and live are two implementations of this protocol; there
is no ``if paper:`` in the engine.

Time in force follows the exchange (``polymarket-api.md`` §4.9):

- ``FAK`` takes what the book offers up to the limit now; the rest is cancelled (``market``);
- ``GTD`` rests until ``expires_at``, then the exchange cancels it (``limit`` style: posted
  at an offset from mid, cancelled after ``limit_timeout_secs``);
- ``GTC`` rests until cancelled. A GTC order with ``expires_at`` is a ``spread`` order: the
  engine itself cancels it at that time and sends what is left as a market order.

Any order first takes what is marketable on arrival (as the taker); what is left rests (as
the maker) and fills only when the market trades through its price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from polymarket_ml.core.enums import ExecutionMode, OrderStatus, OrderType, Side
from polymarket_ml.core.types import Book, Level, Order, Trade
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.paper_fills import PaperFill


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """An order the engine wants placed: price on the market's tick grid, size on its step."""

    client_order_id: str
    market_id: int
    token_id: str
    side: Side
    price: Decimal
    size: Decimal
    order_type: OrderType
    fee: FeeSchedule  # the market's schedule, for fees and the balance check
    signal_price: Decimal | None = None  # slippage is measured against it
    strategy: str | None = None
    expires_at: datetime | None = None
    # A FAK/FOK BUY: what ``size`` costs on the book the engine sized it on. The exchange takes
    # a market BUY as an amount of pUSD, not of shares: live execution spends this (never more
    # than ``price × size``), so a book cheaper than the limit does not buy more than sized.
    spend_usd: Decimal | None = None

    def to_order(
        self,
        mode: ExecutionMode,
        status: OrderStatus,
        now: datetime,
        *,
        size: Decimal | None = None,
        post_only: bool = False,
    ) -> Order:
        """The :class:`Order` this intent becomes (``size``: the intent's, unless given)."""
        return Order(
            client_order_id=self.client_order_id,
            market_id=self.market_id,
            token_id=self.token_id,
            side=self.side,
            price=self.price,
            size=self.size if size is None else size,
            order_type=self.order_type,
            mode=mode,
            status=status,
            created_at=now,
            updated_at=now,
            strategy=self.strategy,
            post_only=post_only,
            expires_at=self.expires_at,
        )


@dataclass(frozen=True, slots=True)
class ExecutionReport:
    """An order as it now stands, with the fills since the last report on it."""

    order: Order
    fills: tuple[PaperFill, ...] = ()

    @property
    def filled_now(self) -> Decimal:
        return sum((f.size for f in self.fills), Decimal(0))


@dataclass(frozen=True, slots=True)
class RestingOrder:
    """An open order handed back to an execution at start (resume from the database)."""

    order: Order
    fee: FeeSchedule
    signal_price: Decimal | None = None


class BookSource(Protocol):
    """Where the current book of a token is read (``None``: no usable book)."""

    def book(self, token_id: str) -> Book | None:
        """The whole book, best levels first."""
        ...

    def top(self, token_id: str) -> tuple[Level | None, Level | None, datetime | None] | None:
        """Best bid, best ask and the time of the book, without copying the levels."""
        ...


class Execution(Protocol):
    """Places, fills and cancels orders; see the module docstring."""

    @property
    def mode(self) -> ExecutionMode: ...

    def submit(self, intent: OrderIntent, now: datetime) -> ExecutionReport:
        """Place ``intent``; the report has what filled on arrival (or why it was rejected)."""
        ...

    def cancel(self, client_order_id: str, now: datetime, reason: str) -> ExecutionReport | None:
        """Cancel an open order; ``None`` when it is not open (filled or unknown)."""
        ...

    def open_orders(self) -> tuple[Order, ...]: ...

    def on_trade(self, trade: Trade, now: datetime) -> tuple[ExecutionReport, ...]:
        """A trade on the market: the resting orders it went through, with their fills."""
        ...

    def on_time(self, now: datetime) -> tuple[ExecutionReport, ...]:
        """Orders whose time in force ran out by ``now`` (GTD), now expired."""
        ...

    def restore(self, orders: Sequence[RestingOrder]) -> None:
        """Take back the open orders stored by an earlier run."""
        ...

    def reserved_usd(self) -> Decimal:
        """Cash held by open BUY orders (their unfilled cost and fees)."""
        ...
