"""What the engine emits: immutable feed items, rendered to wire payloads by ``payloads.py``.

Every item names the token ids it concerns (``assets``) so the server can route it to the
WebSocket subscribers of those tokens; ``custom`` items go only to connections that set
``custom_feature_enabled``; ``broadcast`` items go to every such connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from polymarket_ml.core.enums import Side
from polymarket_ml.sim.market import SimMarket

Levels = tuple[tuple[Decimal, Decimal], ...]


@dataclass(frozen=True, slots=True)
class FeedBook:
    """Full snapshot of one token's book (bids ascending, asks descending)."""

    market: SimMarket
    asset_id: str
    timestamp_ms: int
    bids: Levels
    asks: Levels
    tick_size: Decimal
    last_trade_price: Decimal | None
    custom: bool = False
    broadcast: bool = False

    @property
    def assets(self) -> tuple[str, ...]:
        return (self.asset_id,)


@dataclass(frozen=True, slots=True)
class PriceChangeEntry:
    asset_id: str
    price: Decimal
    size: Decimal
    side: Side
    best_bid: Decimal | None
    best_ask: Decimal | None
    hash: str


@dataclass(frozen=True, slots=True)
class FeedPriceChange:
    """One level change with its mirrored entry on the complementary token."""

    market: SimMarket
    timestamp_ms: int
    entries: tuple[PriceChangeEntry, ...]
    custom: bool = False
    broadcast: bool = False

    @property
    def assets(self) -> tuple[str, ...]:
        return self.market.token_ids


@dataclass(frozen=True, slots=True)
class FeedTrade:
    """One fill: ``side`` is the taker's side on ``asset_id``; ``size`` in shares."""

    market: SimMarket
    asset_id: str
    timestamp_ms: int
    price: Decimal
    size: Decimal
    side: Side
    fee_rate_bps: int
    transaction_hash: str
    taker_wallet: str
    custom: bool = False
    broadcast: bool = False

    @property
    def assets(self) -> tuple[str, ...]:
        return (self.asset_id,)

    @property
    def notional(self) -> Decimal:
        return self.price * self.size


@dataclass(frozen=True, slots=True)
class FeedTickSize:
    market: SimMarket
    asset_id: str
    timestamp_ms: int
    old_tick: Decimal
    new_tick: Decimal
    custom: bool = False
    broadcast: bool = False

    @property
    def assets(self) -> tuple[str, ...]:
        return (self.asset_id,)


@dataclass(frozen=True, slots=True)
class FeedBestBidAsk:
    market: SimMarket
    asset_id: str
    timestamp_ms: int
    best_bid: Decimal | None
    best_ask: Decimal | None
    custom: bool = True
    broadcast: bool = False

    @property
    def assets(self) -> tuple[str, ...]:
        return (self.asset_id,)


@dataclass(frozen=True, slots=True)
class FeedNewMarket:
    market: SimMarket
    timestamp_ms: int
    custom: bool = True
    broadcast: bool = True

    @property
    def assets(self) -> tuple[str, ...]:
        return self.market.token_ids


@dataclass(frozen=True, slots=True)
class FeedResolved:
    """Resolution; ``winner_index`` is None for a VOID (50-50) market."""

    market: SimMarket
    timestamp_ms: int
    winner_index: int | None
    custom: bool = True
    broadcast: bool = False

    @property
    def assets(self) -> tuple[str, ...]:
        return self.market.token_ids


FeedItem = (
    FeedBook
    | FeedPriceChange
    | FeedTrade
    | FeedTickSize
    | FeedBestBidAsk
    | FeedNewMarket
    | FeedResolved
)
