"""What the engine sends and sees, built from plain values: order intents for each execution style,
fresh client order ids, and a trade as seen from the market's other token."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from polymarket_ml.core.enums import OrderType, Outcome, Side
from polymarket_ml.core.types import Book, Market, Signal, Trade
from polymarket_ml.executor.book_walk import round_to_tick
from polymarket_ml.executor.config import ExecutionConfig, ExecutionStyle
from polymarket_ml.executor.execution import OrderIntent
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.sizing import SizedOrder

_ONE = Decimal(1)
_TWO = Decimal(2)


def order_intent(
    signal: Signal,
    sized: SizedOrder,
    book: Book,
    tick: Decimal,
    fee: FeeSchedule,
    now: datetime,
    x: ExecutionConfig,
) -> tuple[OrderIntent, Decimal | None]:
    """The order for the configured style (exits always cross) and, for ``spread``, the
    limit of its market fallback."""
    limit, buy = sized.limit_price, signal.side is Side.BUY
    style = ExecutionStyle.MARKET if signal.is_exit else x.style
    order_type, price, expires, fallback = OrderType.FAK, limit, None, None
    best_bid = book.bids[0].price if book.bids else None
    best_ask = book.asks[0].price if book.asks else None
    if style is ExecutionStyle.LIMIT:
        mid = (best_bid + best_ask) / _TWO if best_bid and best_ask else signal.price_at_signal
        offset = tick * x.limit_offset_ticks
        wanted = mid - offset if signal.side is Side.BUY else mid + offset
        price = round_to_tick(wanted, tick, signal.side)
        price = min(price, limit) if signal.side is Side.BUY else max(price, limit)
        order_type = OrderType.GTD
        expires = now + timedelta(seconds=x.limit_timeout_secs)
    elif style is ExecutionStyle.SPREAD:
        near = best_bid if signal.side is Side.BUY else best_ask
        far = best_ask if signal.side is Side.BUY else best_bid
        if near is not None and far is not None:
            inside = abs(far - near) > tick
            step = tick if signal.side is Side.BUY else -tick
            price = near + step if inside else near
            price = min(price, limit) if signal.side is Side.BUY else max(price, limit)
            order_type = OrderType.GTC
            expires = now + timedelta(seconds=x.spread_timeout_secs)
            fallback = limit
    intent = OrderIntent(
        client_order_id=new_client_id(),
        market_id=signal.market_id,
        token_id=signal.token_id,
        side=signal.side,
        price=price,
        size=sized.shares,
        order_type=order_type,
        fee=fee,
        signal_price=signal.price_at_signal,
        strategy=signal.strategy,
        expires_at=expires,
        spend_usd=sized.expected_notional_usd if order_type is OrderType.FAK and buy else None,
    )
    return intent, fallback


def fallback_limit(side: Side, signal_price: Decimal, tick: Decimal, slip: Decimal) -> Decimal:
    """The limit of the market order sent when a ``spread`` order times out: ``slip`` past the
    signal's price, on the tick grid."""
    wanted = signal_price + slip if side is Side.BUY else signal_price - slip
    return round_to_tick(wanted, tick, side)


def mirrored(trade: Trade, by_token: Mapping[str, tuple[Market, Outcome]]) -> Trade | None:
    """``trade`` as seen from the market's other token. The exchange matches both tokens'
    orders against each other (a BUY of NO at p meets a BUY of YES at 1 − p: a mint) and
    prints one trade, on the taker's token: on the other token it went through 1 − p, the
    taker on the other side."""
    found = by_token.get(trade.token_id)
    if found is None:
        return None
    market, outcome = found
    other = market.no_token_id if outcome is Outcome.YES else market.yes_token_id
    if other is None:
        return None
    side = Side.SELL if trade.side is Side.BUY else Side.BUY
    flipped = Outcome.NO if outcome is Outcome.YES else Outcome.YES
    return dataclasses.replace(
        trade, token_id=other, price=_ONE - trade.price, side=side, outcome=flipped,
        best_bid=None, best_ask=None,
    )  # fmt: skip


def new_client_id() -> str:
    """A fresh client order id (``pmml-`` + 24 hex digits)."""
    return f"pmml-{uuid.uuid4().hex[:24]}"
