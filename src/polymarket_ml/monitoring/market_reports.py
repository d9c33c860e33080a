"""What the market views return; the API serves them as they are (and the dashboard's client
is generated from them). Times are aware UTC; exact amounts are decimal strings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from polymarket_ml.monitoring.reports import Report, TransitionItem


class MarketSummary(Report):
    id: int
    condition_id: str
    slug: str | None
    question: str
    event_title: str | None
    category: str | None
    tier: int = Field(description="0-4 (T0-T4)")
    active: bool = Field(description="Still tracked by the collector")
    closed: bool = Field(description="No longer trading on the exchange")
    resolved: bool
    outcome: str | None = Field(description="YES, NO or VOID once resolved")
    end_date: datetime | None
    hours_to_close: float | None = Field(description="Hours from now to end_date (negative: past)")
    last_snapshot_at: datetime | None
    snapshot_count: int
    last_trade_at: datetime | None
    price: float | None = Field(description="From the latest snapshot")
    spread: float | None = Field(description="From the latest snapshot")
    volume_24h: float | None = Field(description="From the latest snapshot")


class MarketPage(Report):
    page: int
    page_size: int
    total: int = Field(description="Markets matching the filters, on every page")
    sort: str
    order: Literal["asc", "desc"]
    markets: list[MarketSummary]


class SnapshotPoint(Report):
    """One snapshot: the price, book and activity features of the 65."""

    timestamp: datetime
    tier: int
    price: float | None
    best_bid: float | None
    best_ask: float | None
    spread: float | None
    mid_price: float | None
    last_trade_price: float | None
    bid_depth_5: float | None = Field(description="Shares within 5 levels of the best bid")
    bid_depth_10: float | None
    bid_depth_20: float | None
    ask_depth_5: float | None
    ask_depth_10: float | None
    ask_depth_20: float | None
    book_imbalance: float | None
    volume_1h: float | None
    volume_24h: float | None
    liquidity: float | None
    trade_count_1h: int | None
    hours_to_close: float | None


class MarketDetail(MarketSummary):
    yes_token_id: str | None
    no_token_id: str | None
    neg_risk: bool
    tick_size: str | None = Field(description="Exact decimal")
    initial_price: str | None = Field(description="Exact decimal, at discovery")
    tracking_started_at: datetime
    deactivated_at: datetime | None
    deactivation_reason: str | None
    latest: SnapshotPoint | None = Field(description="The newest snapshot, if any")


class MarketSnapshots(Report):
    market_id: int
    hours: float
    since: datetime
    total: int = Field(description="Snapshots in the window, before thinning")
    points: list[SnapshotPoint] = Field(description="Oldest first, evenly thinned")


class MarketTrade(Report):
    timestamp: datetime = Field(description="The exchange's time")
    received_at: datetime
    token_id: str
    outcome: str | None = Field(description="YES or NO")
    side: str = Field(description="The taker's side: BUY or SELL")
    price: str = Field(description="Exact decimal")
    size: str = Field(description="Shares, exact decimal")
    notional_usd: str = Field(description="price x size, exact decimal")
    whale_tier: int = Field(description="0: not a whale, 1-3: by notional")


class MarketTrades(Report):
    market_id: int
    hours: float
    since: datetime
    count: int = Field(description="Trades in the window")
    notional_usd: str = Field(description="Their total notional, exact decimal")
    trades: list[MarketTrade] = Field(description="The newest first")


class MarketTierHistory(Report):
    market_id: int
    current_tier: int
    active: bool
    transitions: list[TransitionItem] = Field(description="Oldest first")
