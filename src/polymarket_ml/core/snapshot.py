"""The snapshot row: 65 features of one market at one moment (see ``FEATURES.md``).

``FEATURES`` is the single list of feature columns, in document order, with the group each
belongs to and its value type. Storage builds the ``snapshots`` table from it and the features
layer fills :class:`FeatureSnapshot`, so the two cannot drift apart.

A feature that cannot be known is ``None`` (NULL), never 0 and never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Final

from polymarket_ml.core.enums import Tier


class FeatureGroup(StrEnum):
    GAMMA = "gamma"  # every tier
    BOOK = "book"  # T2+ only
    TRADES = "trades"  # markets the WebSocket follows
    CONTEXT = "context"  # every tier


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    name: str
    group: FeatureGroup
    kind: type  # float, int, bool or str


def _specs(group: FeatureGroup, kind: type, names: str) -> tuple[FeatureSpec, ...]:
    return tuple(FeatureSpec(n, group, kind) for n in names.split())


_G, _B, _T, _C = FeatureGroup.GAMMA, FeatureGroup.BOOK, FeatureGroup.TRADES, FeatureGroup.CONTEXT

FEATURES: Final[tuple[FeatureSpec, ...]] = (
    *_specs(_G, float, "price best_bid best_ask spread last_trade_price"),
    *_specs(_G, float, "price_change_1h price_change_1d price_change_1w price_change_1m"),
    *_specs(_G, float, "volume_total volume_24h volume_1w volume_1m liquidity"),
    FeatureSpec("category", _G, str),
    FeatureSpec("neg_risk", _G, bool),
    *_specs(_G, float, "competitive tick_size"),
    *_specs(_B, float, "bid_depth_5 bid_depth_10 bid_depth_20 bid_depth_50"),
    *_specs(_B, float, "ask_depth_5 ask_depth_10 ask_depth_20 ask_depth_50"),
    *_specs(_B, int, "bid_levels ask_levels"),
    *_specs(_B, float, "book_imbalance bid_wall_price bid_wall_size ask_wall_price ask_wall_size"),
    *_specs(_T, int, "trade_count_1h buy_count_1h sell_count_1h"),
    *_specs(_T, float, "volume_1h buy_volume_1h sell_volume_1h net_flow_1h vwap_1h"),
    *_specs(_T, float, "avg_trade_size_1h max_trade_size_1h"),
    FeatureSpec("trade_count_5m", _T, int),
    FeatureSpec("volume_5m", _T, float),
    FeatureSpec("whale_count_1h", _T, int),
    *_specs(_T, float, "whale_volume_1h whale_net_flow_1h time_since_whale time_since_trade"),
    FeatureSpec("hours_to_close", _C, float),
    *_specs(_C, int, "day_of_week hour_of_day"),
    FeatureSpec("is_weekend", _C, bool),
    *_specs(_C, float, "tracking_age_hours mid_price microprice relative_spread log_odds"),
    *_specs(_C, float, "distance_from_half price_vs_initial volume_to_liquidity volatility_1h"),
    *_specs(_C, float, "momentum_1h_vs_1d complement_gap"),
)

FEATURE_NAMES: Final[tuple[str, ...]] = tuple(f.name for f in FEATURES)


@dataclass(frozen=True, slots=True)
class FeatureSnapshot:
    """One ``snapshots`` row. Field names are the column names."""

    market_id: int
    timestamp: datetime  # our clock
    tier: Tier
    # exchange timestamps of the inputs, where known
    gamma_updated_at: datetime | None = None
    book_exchange_ts: datetime | None = None
    last_trade_exchange_ts: datetime | None = None
    # -- Gamma (18)
    price: float | None = None
    best_bid: float | None = None
    best_ask: float | None = None
    spread: float | None = None
    last_trade_price: float | None = None
    price_change_1h: float | None = None
    price_change_1d: float | None = None
    price_change_1w: float | None = None
    price_change_1m: float | None = None
    volume_total: float | None = None
    volume_24h: float | None = None
    volume_1w: float | None = None
    volume_1m: float | None = None
    liquidity: float | None = None
    category: str | None = None
    neg_risk: bool | None = None
    competitive: float | None = None
    tick_size: float | None = None
    # -- order book (15), T2+ only
    bid_depth_5: float | None = None
    bid_depth_10: float | None = None
    bid_depth_20: float | None = None
    bid_depth_50: float | None = None
    ask_depth_5: float | None = None
    ask_depth_10: float | None = None
    ask_depth_20: float | None = None
    ask_depth_50: float | None = None
    bid_levels: int | None = None
    ask_levels: int | None = None
    book_imbalance: float | None = None
    bid_wall_price: float | None = None
    bid_wall_size: float | None = None
    ask_wall_price: float | None = None
    ask_wall_size: float | None = None
    # -- WebSocket trade stream (17)
    trade_count_1h: int | None = None
    buy_count_1h: int | None = None
    sell_count_1h: int | None = None
    volume_1h: float | None = None
    buy_volume_1h: float | None = None
    sell_volume_1h: float | None = None
    net_flow_1h: float | None = None
    vwap_1h: float | None = None
    avg_trade_size_1h: float | None = None
    max_trade_size_1h: float | None = None
    trade_count_5m: int | None = None
    volume_5m: float | None = None
    whale_count_1h: int | None = None
    whale_volume_1h: float | None = None
    whale_net_flow_1h: float | None = None
    time_since_whale: float | None = None
    time_since_trade: float | None = None
    # -- context (15)
    hours_to_close: float | None = None
    day_of_week: int | None = None
    hour_of_day: int | None = None
    is_weekend: bool | None = None
    tracking_age_hours: float | None = None
    mid_price: float | None = None
    microprice: float | None = None
    relative_spread: float | None = None
    log_odds: float | None = None
    distance_from_half: float | None = None
    price_vs_initial: float | None = None
    volume_to_liquidity: float | None = None
    volatility_1h: float | None = None
    momentum_1h_vs_1d: float | None = None
    complement_gap: float | None = None


SNAPSHOT_META_COLUMNS: Final[tuple[str, ...]] = (
    "market_id",
    "timestamp",
    "tier",
    "gamma_updated_at",
    "book_exchange_ts",
    "last_trade_exchange_ts",
)

SNAPSHOT_COLUMNS: Final[tuple[str, ...]] = tuple(f.name for f in fields(FeatureSnapshot))

if SNAPSHOT_COLUMNS != SNAPSHOT_META_COLUMNS + FEATURE_NAMES:  # pragma: no cover - import guard
    raise AssertionError("FeatureSnapshot fields drifted from FEATURES")
