"""Wire schemas of the Gamma API (``polymarket-api.md`` §2).

Quirks kept as they are on the wire, for the parser to handle:

- ``outcomes``, ``outcomePrices``, ``clobTokenIds``, ``umaResolutionStatuses`` are JSON arrays
  encoded **as strings** (decoded a second time by the parser);
- market ``volume``/``liquidity`` are strings, ``volumeNum``/``liquidityNum`` numbers; on events
  ``volume``/``liquidity`` are numbers;
- dates come as ``2026-03-12T09:25:00Z``, ``...09:29:01.328428Z``, ``2026-05-09 02:07:01+00`` or
  ``2027-12-31``;
- most keys can be missing, so nearly every field is optional.
"""

from __future__ import annotations

import msgspec

from polymarket_ml.sources.polymarket.wire_ws import WireStruct


class GammaStruct(WireStruct, rename="camel"):
    """Gamma's keys are camelCase; Python names are snake_case."""


class GammaTag(GammaStruct):
    id: str
    label: str | None = None
    slug: str | None = None
    force_show: bool | None = None
    created_at: str | None = None
    updated_at: str | None = None


class GammaSeries(GammaStruct):
    id: str
    slug: str | None = None
    ticker: str | None = None
    title: str | None = None
    recurrence: str | None = None
    series_type: str | None = None


class GammaFeeSchedule(GammaStruct):
    """Fee parameters since 2026-03-31: ``fee = shares * rate * (p * (1 - p)) ** exponent``."""

    exponent: float | None = None
    rate: float | None = None
    taker_only: bool | None = None
    rebate_rate: float | None = None


class GammaEvent(GammaStruct):
    """An event; nested under a market it comes **without** ``markets``."""

    id: str
    slug: str | None = None
    ticker: str | None = None
    title: str | None = None
    description: str | None = None
    category: str | None = None
    start_date: str | None = None
    creation_date: str | None = None
    end_date: str | None = None
    closed_time: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    active: bool | None = None
    closed: bool | None = None
    archived: bool | None = None
    neg_risk: bool | None = None
    neg_risk_market_id: str | None = msgspec.field(default=None, name="negRiskMarketID")
    liquidity: float | None = None
    volume: float | None = None
    open_interest: float | None = None
    competitive: float | None = None
    volume_24hr: float | None = msgspec.field(default=None, name="volume24hr")
    volume_1wk: float | None = msgspec.field(default=None, name="volume1wk")
    volume_1mo: float | None = msgspec.field(default=None, name="volume1mo")
    volume_1yr: float | None = msgspec.field(default=None, name="volume1yr")
    series_slug: str | None = None
    game_id: int | None = None
    markets: list[GammaMarket] | None = None
    tags: list[GammaTag] | None = None
    series: list[GammaSeries] | None = None


class GammaMarket(GammaStruct):
    """A market object of ``GET /markets`` (and of ``events[].markets[]``)."""

    id: str
    question: str | None = None
    condition_id: str | None = None
    question_id: str | None = msgspec.field(default=None, name="questionID")
    slug: str | None = None
    description: str | None = None
    group_item_title: str | None = None
    category: str | None = None  # legacy markets only (2020-2023)
    outcomes: str | None = None  # JSON string
    outcome_prices: str | None = None  # JSON string
    clob_token_ids: str | None = None  # JSON string
    uma_resolution_statuses: str | None = None  # JSON string
    uma_resolution_status: str | None = None
    active: bool | None = None  # stays true after close: says nothing about trading
    closed: bool | None = None
    archived: bool | None = None
    accepting_orders: bool | None = None
    enable_order_book: bool | None = None
    start_date: str | None = None
    end_date: str | None = None
    start_date_iso: str | None = None
    end_date_iso: str | None = None
    closed_time: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    game_start_time: str | None = None
    event_start_time: str | None = None
    volume: str | None = None
    liquidity: str | None = None
    volume_num: float | None = None
    liquidity_num: float | None = None
    volume_24hr: float | None = msgspec.field(default=None, name="volume24hr")
    volume_1wk: float | None = msgspec.field(default=None, name="volume1wk")
    volume_1mo: float | None = msgspec.field(default=None, name="volume1mo")
    volume_1yr: float | None = msgspec.field(default=None, name="volume1yr")
    liquidity_clob: float | None = None
    best_bid: float | None = None
    best_ask: float | None = None
    last_trade_price: float | None = None
    spread: float | None = None
    one_hour_price_change: float | None = None
    one_day_price_change: float | None = None
    one_week_price_change: float | None = None
    one_month_price_change: float | None = None
    one_year_price_change: float | None = None
    competitive: float | None = None
    order_price_min_tick_size: float | None = None
    order_min_size: float | None = None
    neg_risk: bool | None = None
    neg_risk_market_id: str | None = msgspec.field(default=None, name="negRiskMarketID")
    neg_risk_request_id: str | None = msgspec.field(default=None, name="negRiskRequestID")
    neg_risk_other: bool | None = None
    fees_enabled: bool | None = None
    fee_type: str | None = None
    fee_schedule: GammaFeeSchedule | None = None
    maker_base_fee: int | None = None
    taker_base_fee: int | None = None
    sports_market_type: str | None = None
    line: float | None = None
    game_id: str | None = None
    events: list[GammaEvent] | None = None
    tags: list[GammaTag] | None = None


class GammaMarketsPage(GammaStruct):
    """``GET /markets/keyset``: ``next_cursor`` absent or null on the last page."""

    markets: list[GammaMarket] = msgspec.field(default_factory=list)
    next_cursor: str | None = msgspec.field(default=None, name="next_cursor")


class GammaEventsPage(GammaStruct):
    """``GET /events/keyset``."""

    events: list[GammaEvent] = msgspec.field(default_factory=list)
    next_cursor: str | None = msgspec.field(default=None, name="next_cursor")


class GammaPagination(GammaStruct):
    has_more: bool | None = None
    total_results: int | None = None


class GammaSearch(GammaStruct):
    """``GET /public-search``."""

    events: list[GammaEvent] = msgspec.field(default_factory=list)
    tags: list[GammaTag] | None = None
    pagination: GammaPagination | None = None
