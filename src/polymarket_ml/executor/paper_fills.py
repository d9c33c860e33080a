"""Paper fills: what our orders would have got from the book and the trade stream (pure).

- A **marketable** order (or the marketable part of any order on arrival) takes the opposite
  side of the book level by level, best first, at each level's price, up to its limit price:
  one fill per level, partial when depth runs out or the next level is beyond the limit. A FOK
  order fills completely or not at all. It is the taker: it pays the taker fee.
- A **resting** order fills only when the market **trades through** its price: a trade
  strictly below a resting BUY's limit, or strictly above a resting SELL's. A trade *at* the
  limit fills nothing (we would be at the back of the queue). It fills at its own limit, for
  at most the trade's size and its own remaining size, as a maker (no fee on taker-only
  schedules).

Fills are :class:`PaperFill` values: the fields of :class:`~polymarket_ml.core.types.Fill`
without the ids, which the engine adds with :meth:`PaperFill.to_fill` once the order is stored.
Slippage is the fill price against the signal's price, signed against us: positive is worse
(paid more on a BUY, got less on a SELL). The caller keeps the book up to date (a walk does not
consume the levels it took) and maps trades of the other token (a NO trade at q is a YES trade
at 1 − q) before calling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from polymarket_ml.core.enums import ExecutionMode, OrderType, Side
from polymarket_ml.core.types import Book, Fill, Order, Trade
from polymarket_ml.executor.book_walk import total_size, walk_book
from polymarket_ml.executor.fees import FeeSchedule, fill_fee_usd


@dataclass(frozen=True, slots=True)
class PaperFill:
    """One simulated execution; ``Fill`` without ``order_id``/``id``/``exchange_trade_id``."""

    market_id: int
    token_id: str
    side: Side
    price: Decimal
    size: Decimal
    fee_usd: Decimal
    filled_at: datetime
    is_maker: bool
    slippage: Decimal | None
    mode: ExecutionMode = ExecutionMode.PAPER

    @property
    def notional_usd(self) -> Decimal:
        return self.price * self.size

    def to_fill(self, order_id: int) -> Fill:
        return Fill(
            order_id=order_id,
            market_id=self.market_id,
            token_id=self.token_id,
            side=self.side,
            price=self.price,
            size=self.size,
            fee_usd=self.fee_usd,
            filled_at=self.filled_at,
            mode=self.mode,
            is_maker=self.is_maker,
            slippage=self.slippage,
            received_at=self.filled_at,
        )


def remaining_size(order: Order) -> Decimal:
    return max(order.size - order.filled_size, Decimal(0))


def slippage(side: Side, fill_price: Decimal, signal_price: Decimal | None) -> Decimal | None:
    """Fill price vs the signal's price, positive when it went against us."""
    if signal_price is None:
        return None
    return fill_price - signal_price if side is Side.BUY else signal_price - fill_price


def fill_marketable(
    order: Order,
    book: Book,
    *,
    fee: FeeSchedule,
    now: datetime,
    signal_price: Decimal | None = None,
) -> tuple[PaperFill, ...]:
    """The fills of ``order`` taking ``book`` (its token's book) now; see the module docstring."""
    if book.token_id != order.token_id:
        raise ValueError(f"book of {book.token_id} given for an order on {order.token_id}")
    levels = book.asks if order.side is Side.BUY else book.bids
    wanted = remaining_size(order)
    taken = walk_book(levels, order.side, order.price, max_shares=wanted, step=None)
    if order.order_type is OrderType.FOK and total_size(taken) < wanted:
        return ()
    return tuple(
        _fill(order, level.price, level.size, fee, now, signal_price, is_maker=False)
        for level in taken
    )


def fill_resting(
    order: Order,
    trade: Trade,
    *,
    fee: FeeSchedule,
    now: datetime,
    signal_price: Decimal | None = None,
) -> PaperFill | None:
    """The fill of resting ``order`` from ``trade`` on its token, if the trade went through it."""
    if trade.token_id != order.token_id:
        return None
    through = trade.price < order.price if order.side is Side.BUY else trade.price > order.price
    size = min(remaining_size(order), trade.size)
    if not through or size <= 0:
        return None
    return _fill(order, order.price, size, fee, now, signal_price, is_maker=True)


def _fill(
    order: Order,
    price: Decimal,
    size: Decimal,
    fee: FeeSchedule,
    now: datetime,
    signal_price: Decimal | None,
    *,
    is_maker: bool,
) -> PaperFill:
    return PaperFill(
        market_id=order.market_id,
        token_id=order.token_id,
        side=order.side,
        price=price,
        size=size,
        fee_usd=fill_fee_usd(size, price, fee, is_maker=is_maker),
        filled_at=now,
        is_maker=is_maker,
        slippage=slippage(order.side, price, signal_price),
    )
