"""Wire schemas of the CLOB WebSocket: market channel, user channel and subscribe requests.

The structs mirror the JSON exactly: prices, sizes and timestamps stay the strings the exchange
sends, token ids are strings. Unknown keys are ignored, so fields the exchange adds later do
not break decoding. Messages are tagged unions on ``event_type`` (``polymarket-api.md`` §5, §6).
"""

from __future__ import annotations

import msgspec


class WireStruct(msgspec.Struct, gc=False, forbid_unknown_fields=False):
    """Base of every wire struct: unknown keys tolerated, no reference cycles (gc=False)."""


class WireLevel(msgspec.Struct, frozen=True, gc=False, forbid_unknown_fields=False):
    """One book level. Frozen, hence hashable: the parser memoises levels by wire value."""

    price: str
    size: str


class MarketMessage(WireStruct, tag_field="event_type"):
    """Base of the market-channel messages (a tagged union on ``event_type``)."""


class BookMessage(MarketMessage, tag="book"):
    """Full book of one token. Real servers send bids ascending and asks descending."""

    asset_id: str
    market: str
    timestamp: str
    bids: list[WireLevel] = msgspec.field(default_factory=list)
    asks: list[WireLevel] = msgspec.field(default_factory=list)
    hash: str | None = None
    tick_size: str | None = None  # since 2025
    last_trade_price: str | None = None  # since 2025; may be ""
    min_order_size: str | None = None  # REST only, tolerated here
    neg_risk: bool | None = None


class PriceChangeEntry(WireStruct):
    """One entry of ``price_changes[]`` (schema of 2025-09-15 onwards)."""

    asset_id: str
    price: str
    side: str
    size: str | None = None  # optional in one SDK's parser; absent means "0"
    hash: str | None = None
    best_bid: str | None = None
    best_ask: str | None = None


class LegacyChange(WireStruct):
    """One entry of ``changes[]`` (schema until 2025-09-15)."""

    price: str
    side: str
    size: str


class PriceChangeMessage(MarketMessage, tag="price_change"):
    """Level updates, in one of three schemas.

    - current: ``price_changes[]``, each entry with its own ``asset_id``, best bid and ask;
    - 2024-10 .. 2025-09: ``asset_id`` + ``changes[]``;
    - mid-2024: ``asset_id`` + one level flat (``price``, ``side``, ``size``).
    """

    market: str
    timestamp: str
    price_changes: list[PriceChangeEntry] | None = None
    asset_id: str | None = None
    changes: list[LegacyChange] | None = None
    price: str | None = None
    side: str | None = None
    size: str | None = None
    hash: str | None = None


class LastTradePriceMessage(MarketMessage, tag="last_trade_price"):
    """A match; ``side`` is the taker's. No trade id exists on this channel."""

    asset_id: str
    market: str
    price: str
    size: str
    side: str
    timestamp: str
    fee_rate_bps: str | None = None
    transaction_hash: str | None = None


class TickSizeChangeMessage(MarketMessage, tag="tick_size_change"):
    asset_id: str
    market: str
    old_tick_size: str
    new_tick_size: str
    timestamp: str


class BestBidAskMessage(MarketMessage, tag="best_bid_ask"):
    asset_id: str
    market: str
    timestamp: str
    best_bid: str | None = None
    best_ask: str | None = None
    spread: str | None = None


class EventMessageInfo(WireStruct):
    """The parent event inside ``new_market`` / ``market_resolved``."""

    id: str | None = None
    ticker: str | None = None
    slug: str | None = None
    title: str | None = None
    description: str | None = None


class NewMarketMessage(MarketMessage, tag="new_market"):
    """A new market (custom feature); ``outcomes`` and ``assets_ids`` are real arrays here."""

    market: str
    timestamp: str
    assets_ids: list[str] = msgspec.field(default_factory=list)
    outcomes: list[str] = msgspec.field(default_factory=list)
    id: str | None = None
    question: str | None = None
    slug: str | None = None
    description: str | None = None
    event_message: EventMessageInfo | None = None
    tags: list[str] | None = None
    condition_id: str | None = None
    active: bool | None = None
    clob_token_ids: list[str] | None = None
    sports_market_type: str | None = None
    line: str | None = None
    game_start_time: str | None = None
    order_price_min_tick_size: str | None = None
    group_item_title: str | None = None


class MarketResolvedMessage(MarketMessage, tag="market_resolved"):
    market: str
    timestamp: str
    winning_asset_id: str
    winning_outcome: str
    assets_ids: list[str] = msgspec.field(default_factory=list)
    outcomes: list[str] = msgspec.field(default_factory=list)
    id: str | None = None
    question: str | None = None
    slug: str | None = None
    description: str | None = None
    event_message: EventMessageInfo | None = None
    tags: list[str] | None = None


AnyMarketMessage = (
    BookMessage
    | PriceChangeMessage
    | LastTradePriceMessage
    | TickSizeChangeMessage
    | BestBidAskMessage
    | NewMarketMessage
    | MarketResolvedMessage
)
MarketFrame = list[AnyMarketMessage] | AnyMarketMessage
"""A server frame: one JSON object or a JSON array of them (§5.2)."""

MARKET_EVENT_TYPES = frozenset(
    {"book", "price_change", "last_trade_price", "tick_size_change", "best_bid_ask"}
    | {"new_market", "market_resolved"}
)


# -- user channel (§6) ------------------------------------------------------------------


class MakerOrder(WireStruct):
    order_id: str
    matched_amount: str
    price: str
    asset_id: str
    owner: str | None = None
    maker_address: str | None = None
    outcome: str | None = None
    fee_rate_bps: str | None = None
    side: str | None = None  # since 2025-06
    builder_fee: str | None = None
    builder_code: str | None = None


class TradeFields(WireStruct):
    """Fields of a trade, shared by the user channel and REST ``/data/trades``.

    ``match_time``/``last_update`` are epoch seconds as strings (some fixtures use ISO); the docs
    spell ``matchtime``, real frames ``match_time``.
    """

    id: str
    market: str
    asset_id: str
    side: str
    size: str
    price: str
    status: str
    taker_order_id: str | None = None
    fee_rate_bps: str | None = None
    match_time: str | None = None
    matchtime: str | None = None
    last_update: str | None = None
    outcome: str | None = None
    bucket_index: int | None = None
    owner: str | None = None
    trade_owner: str | None = None
    maker_address: str | None = None
    transaction_hash: str | None = None
    trader_side: str | None = None
    maker_orders: list[MakerOrder] = msgspec.field(default_factory=list)
    err_msg: str | None = None


class UserMessage(WireStruct, tag_field="event_type"):
    """Base of the user-channel messages (a tagged union on ``event_type``)."""


class UserTradeMessage(TradeFields, UserMessage, tag="trade"):
    type: str | None = None  # "TRADE"
    timestamp: str | None = None  # ms


class UserOrderMessage(UserMessage, tag="order"):
    """Our order changed. ``created_at``: seconds (2024), ms (2026) or ""; many fields may be ""."""

    id: str
    market: str
    asset_id: str
    side: str
    price: str
    original_size: str
    type: str | None = None  # PLACEMENT | UPDATE | CANCELLATION
    size_matched: str | None = None
    status: str | None = None
    outcome: str | None = None
    owner: str | None = None
    order_owner: str | None = None
    associate_trades: list[str] | None = None
    order_type: str | None = None
    maker_address: str | None = None
    expiration: str | None = None
    created_at: str | None = None
    timestamp: str | None = None


AnyUserMessage = UserTradeMessage | UserOrderMessage
UserFrame = list[AnyUserMessage] | AnyUserMessage


# -- client -> server requests (§5.1, §6) -----------------------------------------------


class MarketSubscribeRequest(WireStruct, omit_defaults=True):
    """First message on ``/ws/market``; the key really is ``assets_ids``."""

    assets_ids: list[str]
    type: str = "market"
    custom_feature_enabled: bool | None = None
    initial_dump: bool | None = None


class ApiAuth(WireStruct, rename="camel"):
    api_key: str
    secret: str
    passphrase: str


class UserSubscribeRequest(WireStruct, omit_defaults=True):
    """First message on ``/ws/user``; ``markets`` are condition ids (empty: all markets)."""

    auth: ApiAuth
    markets: list[str] = msgspec.field(default_factory=list)
    type: str = "user"


class SubscriptionUpdate(WireStruct, omit_defaults=True):
    """Dynamic (un)subscribe on an open socket: ``assets_ids`` (market) or ``markets`` (user)."""

    operation: str  # "subscribe" | "unsubscribe"
    assets_ids: list[str] | None = None
    markets: list[str] | None = None
    custom_feature_enabled: bool | None = None
    initial_dump: bool | None = None
