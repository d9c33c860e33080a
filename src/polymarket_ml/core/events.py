"""Events of the exchange's WebSocket channels, parsed into domain values.

The market channel (public) gives :class:`BookEvent`, :class:`PriceChange`, :class:`TradeEvent`,
:class:`TickSizeChange` and, with custom features on, :class:`BestBidAsk`, :class:`NewMarket` and
:class:`MarketResolved`. The user channel (ours, authenticated) gives :class:`OrderUpdate` and
:class:`UserTrade`. Every event keeps the exchange's time (``exchange_ts``) and our receipt time
(``received_at``). Prices and sizes are ``Decimal``; token ids are decimal strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Book, Trade


@dataclass(frozen=True, slots=True)
class BookEvent:
    """A full snapshot of one token's book (``book``): replaces both sides."""

    book: Book
    exchange_ts: datetime
    received_at: datetime
    last_trade_price: Decimal | None = None

    @property
    def token_id(self) -> str:
        return self.book.token_id


class LevelChange(NamedTuple):
    """One level of one token set to a new total ``size`` (``Decimal(0)`` removes the level).

    ``side`` BUY is a bid level, SELL an ask level. ``best_bid``/``best_ask`` are the exchange's
    top of book after the change (present since 2025-09-15; ``None`` in older messages); an empty
    side is reported as bid 0 / ask 1. A NamedTuple rather than a dataclass: a ``price_change``
    carries several and building them is the collector's hot path (~0.35 µs against ~0.9 µs).
    """

    token_id: str
    side: Side
    price: Decimal
    size: Decimal
    best_bid: Decimal | None = None
    best_ask: Decimal | None = None
    book_hash: str | None = None


@dataclass(frozen=True, slots=True)
class PriceChange:
    """A ``price_change`` message: level updates of one market, usually on both of its tokens."""

    market: str
    changes: tuple[LevelChange, ...]
    exchange_ts: datetime
    received_at: datetime


@dataclass(frozen=True, slots=True)
class TradeEvent:
    """A print on the market channel (``last_trade_price``); ``trade.side`` is the taker's."""

    trade: Trade
    exchange_ts: datetime
    received_at: datetime


@dataclass(frozen=True, slots=True)
class TickSizeChange:
    """The token's tick changed; resting levels may be off the new grid until a fresh book."""

    token_id: str
    market: str
    old_tick_size: Decimal
    new_tick_size: Decimal
    exchange_ts: datetime
    received_at: datetime


@dataclass(frozen=True, slots=True)
class BestBidAsk:
    """Top of book of one token (custom feature). ``None`` where the exchange sent nothing."""

    token_id: str
    market: str
    best_bid: Decimal | None
    best_ask: Decimal | None
    spread: Decimal | None
    exchange_ts: datetime
    received_at: datetime


@dataclass(frozen=True, slots=True)
class NewMarket:
    """A market was created (custom feature). Not replayed after a disconnect: poll Gamma too."""

    market: str  # condition id
    token_ids: tuple[str, ...]
    outcomes: tuple[str, ...]
    exchange_ts: datetime
    received_at: datetime
    gamma_id: str | None = None
    question: str | None = None
    slug: str | None = None
    event_id: str | None = None
    event_slug: str | None = None
    event_title: str | None = None
    tags: tuple[str, ...] = ()
    tick_size: Decimal | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class MarketResolved:
    """A market resolved (custom feature); ``winning_token_id`` is the token that pays 1."""

    market: str
    token_ids: tuple[str, ...]
    winning_token_id: str
    winning_outcome: str
    exchange_ts: datetime
    received_at: datetime
    gamma_id: str | None = None
    question: str | None = None
    slug: str | None = None
    tags: tuple[str, ...] = ()


MarketEvent = (
    BookEvent | PriceChange | TradeEvent | TickSizeChange | BestBidAsk | NewMarket | MarketResolved
)


@dataclass(frozen=True, slots=True)
class OrderUpdate:
    """One of our orders changed (user channel ``order``, or a REST open order).

    ``kind`` is the exchange's ``type`` (``PLACEMENT``, ``UPDATE``, ``CANCELLATION``; ``None`` for
    REST). ``status`` is kept verbatim: besides ``LIVE``/``MATCHED``/``CANCELED``/``INVALID`` the
    exchange sends free text such as ``"CANCELED_order couldn't be fully filled. ..."``.
    """

    order_id: str
    market: str
    token_id: str
    side: Side
    price: Decimal
    original_size: Decimal
    size_matched: Decimal
    status: str | None
    received_at: datetime
    exchange_ts: datetime | None = None
    kind: str | None = None
    order_type: str | None = None
    outcome: str | None = None
    created_at: datetime | None = None
    expiration: datetime | None = None  # None: no expiry ("0")
    associate_trades: tuple[str, ...] = ()
    maker_address: str | None = None


@dataclass(frozen=True, slots=True)
class MakerFill:
    """One maker order filled by a trade; ``token_id`` may be the complementary token."""

    order_id: str
    token_id: str
    price: Decimal
    matched_size: Decimal
    owner: str | None = None
    maker_address: str | None = None
    outcome: str | None = None
    side: Side | None = None
    fee_rate_bps: int | None = None


@dataclass(frozen=True, slots=True)
class UserTrade:
    """A trade involving one of our orders (user channel ``trade``, or REST ``/data/trades``).

    The top-level fields describe the taker; when we were a maker our fill is in ``maker_fills``.
    The exchange re-sends the same ``trade_id`` on every ``status`` change
    (MATCHED → MINED → CONFIRMED, or RETRYING/FAILED).
    """

    trade_id: str
    market: str
    token_id: str
    side: Side
    price: Decimal
    size: Decimal
    status: str
    received_at: datetime
    exchange_ts: datetime | None = None
    match_time: datetime | None = None
    last_update: datetime | None = None
    taker_order_id: str | None = None
    trader_side: str | None = None  # TAKER | MAKER
    outcome: str | None = None
    fee_rate_bps: int | None = None
    transaction_hash: str | None = None
    maker_fills: tuple[MakerFill, ...] = ()


UserEvent = OrderUpdate | UserTrade

__all__ = [
    "BestBidAsk",
    "BookEvent",
    "LevelChange",
    "MakerFill",
    "MarketEvent",
    "MarketResolved",
    "NewMarket",
    "OrderUpdate",
    "PriceChange",
    "TickSizeChange",
    "TradeEvent",
    "UserEvent",
    "UserTrade",
]
