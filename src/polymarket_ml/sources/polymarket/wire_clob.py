"""Wire schemas of the CLOB REST API (``polymarket-api.md`` §3, §4).

Prices and sizes stay strings where the exchange sends strings; JSON numbers (tick sizes, CLOB
market fields, price history) stay numbers. Unknown keys are ignored.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

from polymarket_ml.sources.polymarket.wire_ws import TradeFields, WireLevel, WireStruct

T = TypeVar("T")


class ClobBook(WireStruct):
    """``GET /book`` / ``POST /books`` item. The last four fields arrived in July 2025.

    Bids come ascending and asks descending (best level last), whatever the docs say.
    ``timestamp`` is epoch ms (the docs' ISO example is wrong, but is accepted by the parser).
    """

    market: str
    asset_id: str
    timestamp: str
    bids: list[WireLevel] = msgspec.field(default_factory=list)
    asks: list[WireLevel] = msgspec.field(default_factory=list)
    hash: str | None = None
    min_order_size: str | None = None
    tick_size: str | None = None
    neg_risk: bool | None = None
    last_trade_price: str | None = None


class PriceResponse(WireStruct):
    """``GET /price`` (observed: side=BUY gives the best bid) and ``GET /last-trade-price``."""

    price: str
    side: str | None = None


class MidpointResponse(WireStruct):
    mid: str


class SpreadResponse(WireStruct):
    spread: str


class LastTradePriceItem(WireStruct):
    """One item of ``POST /last-trades-prices``."""

    token_id: str
    price: str
    side: str | None = None


class TickSizeResponse(WireStruct):
    minimum_tick_size: float


class NegRiskResponse(WireStruct):
    neg_risk: bool


class FeeRateResponse(WireStruct):
    """``GET /fee-rate``: bps, a number in the docs and a string in fixtures."""

    base_fee: int | str


class PricePoint(WireStruct):
    t: int  # epoch seconds
    p: float


class PricesHistory(WireStruct):
    """``GET /prices-history?market=<token id>``; empty for new markets."""

    history: list[PricePoint] = msgspec.field(default_factory=list)


class ClobToken(WireStruct):
    token_id: str
    outcome: str
    price: float | None = None
    winner: bool | None = None


class ClobRewardRate(WireStruct):
    asset_address: str
    rewards_daily_rate: float


class ClobRewards(WireStruct):
    rates: list[ClobRewardRate] | None = None
    min_size: float | None = None
    max_spread: float | None = None


class ClobMarket(WireStruct):
    """``GET /markets/{condition_id}`` and items of the ``GET /markets`` pages."""

    condition_id: str
    tokens: list[ClobToken] = msgspec.field(default_factory=list)
    question: str | None = None
    question_id: str | None = None
    market_slug: str | None = None
    description: str | None = None
    end_date_iso: str | None = None
    game_start_time: str | None = None
    accepting_order_timestamp: str | None = None
    enable_order_book: bool | None = None
    active: bool | None = None
    closed: bool | None = None
    archived: bool | None = None
    accepting_orders: bool | None = None
    minimum_order_size: float | None = None
    minimum_tick_size: float | None = None
    seconds_delay: int | None = None
    fpmm: str | None = None
    maker_base_fee: int | None = None
    taker_base_fee: int | None = None
    notifications_enabled: bool | None = None
    neg_risk: bool | None = None
    neg_risk_market_id: str | None = None
    neg_risk_request_id: str | None = None
    is_50_50_outcome: bool | None = None
    rewards: ClobRewards | None = None
    tags: list[str] | None = None
    icon: str | None = None
    image: str | None = None


class Page(WireStruct, Generic[T]):
    """A cursor page of the CLOB: start with ``MA==``; ``LTE=`` means the last page."""

    data: list[T]
    next_cursor: str | None = None
    limit: int | None = None
    count: int | None = None


class OpenOrder(WireStruct):
    """``GET /data/orders`` item (L2); only open orders are listed."""

    id: str
    market: str
    asset_id: str
    side: str
    price: str
    original_size: str
    size_matched: str | None = None
    status: str | None = None
    outcome: str | None = None
    owner: str | None = None
    maker_address: str | None = None
    associate_trades: list[str] | None = None
    order_type: str | None = None
    expiration: str | None = None
    created_at: int | str | None = None  # epoch seconds


class ClobTrade(TradeFields):
    """``GET /data/trades`` item (L2); same shape as a user-channel ``trade``."""


class PostOrderResponse(WireStruct, rename="camel"):
    """``POST /order``. Statuses are lower-case here (``live``, ``matched``...)."""

    success: bool | None = None
    error_msg: str | None = None
    order_id: str | None = msgspec.field(default=None, name="orderID")
    taking_amount: str | None = None
    making_amount: str | None = None
    status: str | None = None
    transactions_hashes: list[str] | None = None  # sic; gone for FAK/FOK since 2026-07-24
    trade_ids: list[str] | None = msgspec.field(default=None, name="tradeIDs")


class ErrorResponse(WireStruct):
    error: str


class CancelResponse(WireStruct):
    """Every cancel endpoint: what was cancelled and why the rest was not."""

    canceled: list[str] = msgspec.field(default_factory=list)
    not_canceled: dict[str, str] = msgspec.field(default_factory=dict)


class BalanceAllowance(WireStruct):
    """``GET /balance-allowance``: 6-decimal base units; V2 has ``allowances``, V1 ``allowance``."""

    balance: str
    allowance: str | None = None
    allowances: dict[str, str] | None = None


class SignedOrderV2(WireStruct, rename="camel"):
    """A CLOB V2 signed order as posted (no nonce, feeRateBps or taker)."""

    salt: int
    maker: str
    signer: str
    token_id: str
    maker_amount: str
    taker_amount: str
    side: str
    signature_type: int
    expiration: str
    timestamp: str  # ms
    metadata: str
    builder: str
    signature: str
