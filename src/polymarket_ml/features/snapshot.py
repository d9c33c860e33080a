"""One snapshot row from its inputs: Gamma numbers, the books (T2+), trade features, the market.

See ``FEATURES.md``. Which groups are filled depends on what is known: Gamma and context in every
tier, the book group only from T2 with a book, the trade group only for a token the WebSocket
follows.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from polymarket_ml.core.enums import Tier
from polymarket_ml.core.gamma import GammaMarketStats
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Book, Market
from polymarket_ml.features.book import BookFeatures, compute_book_features, top_of_book
from polymarket_ml.features.context import compute_context_features
from polymarket_ml.features.trades import TradeFeatures

BOOK_MIN_TIER = Tier.T2  # books are fetched, and book features known, from T2 on


def build_snapshot(
    *,
    market_id: int,
    now: datetime,
    tier: Tier,
    market: Market,
    gamma: GammaMarketStats,
    book: Book | None = None,
    no_book: Book | None = None,
    trades: TradeFeatures | None = None,
) -> FeatureSnapshot:
    """Assemble one ``snapshots`` row of ``market`` at ``now`` (our clock, timezone-aware).

    ``gamma`` holds the market's Gamma figures; ``market`` gives ``end_date``,
    ``tracking_started_at`` and ``initial_price``.

    ``book`` and ``no_book`` are the YES and NO books; they are used only from T2 on (below, the
    book group is NULL by definition, and so are ``microprice`` and ``complement_gap``).
    ``trades`` is ``None`` (or :meth:`TradeFeatures.not_followed`) for a token the WebSocket does
    not follow: the trade group and ``volatility_1h`` are then NULL.
    """
    if tier < BOOK_MIN_TIER:
        book = no_book = None
    bf = compute_book_features(book) if book is not None else None
    tf = trades if trades is not None else TradeFeatures.not_followed()
    ctx = compute_context_features(
        now,
        end_date=market.end_date,
        tracking_started_at=market.tracking_started_at,
        initial_price=float(market.initial_price) if market.initial_price is not None else None,
        price=gamma.price,
        gamma_best_bid=gamma.best_bid,
        gamma_best_ask=gamma.best_ask,
        book_top=bf.top if bf is not None else None,
        no_book_top=top_of_book(no_book) if no_book is not None else None,
        volume_24h=gamma.volume_24h,
        liquidity=gamma.liquidity,
        price_change_1h=gamma.price_change_1h,
        price_change_1d=gamma.price_change_1d,
        volatility_1h=tf.volatility_1h,
    )
    bc = _book_columns(bf)
    return FeatureSnapshot(
        market_id=market_id,
        timestamp=now,
        tier=tier,
        gamma_updated_at=gamma.updated_at,
        book_exchange_ts=book.exchange_ts if book is not None else None,
        last_trade_exchange_ts=tf.last_trade_exchange_ts,
        # -- Gamma
        price=gamma.price,
        best_bid=gamma.best_bid,
        best_ask=gamma.best_ask,
        spread=gamma.spread,
        last_trade_price=gamma.last_trade_price,
        price_change_1h=gamma.price_change_1h,
        price_change_1d=gamma.price_change_1d,
        price_change_1w=gamma.price_change_1w,
        price_change_1m=gamma.price_change_1m,
        volume_total=gamma.volume_total,
        volume_24h=gamma.volume_24h,
        volume_1w=gamma.volume_1w,
        volume_1m=gamma.volume_1m,
        liquidity=gamma.liquidity,
        category=gamma.category,
        neg_risk=gamma.neg_risk,
        competitive=gamma.competitive,
        tick_size=gamma.tick_size,
        # -- order book
        bid_depth_5=bc.bid_depth_5,
        bid_depth_10=bc.bid_depth_10,
        bid_depth_20=bc.bid_depth_20,
        bid_depth_50=bc.bid_depth_50,
        ask_depth_5=bc.ask_depth_5,
        ask_depth_10=bc.ask_depth_10,
        ask_depth_20=bc.ask_depth_20,
        ask_depth_50=bc.ask_depth_50,
        bid_levels=bc.bid_levels,
        ask_levels=bc.ask_levels,
        book_imbalance=bc.book_imbalance,
        bid_wall_price=bc.bid_wall_price,
        bid_wall_size=bc.bid_wall_size,
        ask_wall_price=bc.ask_wall_price,
        ask_wall_size=bc.ask_wall_size,
        # -- trade stream
        trade_count_1h=tf.trade_count_1h,
        buy_count_1h=tf.buy_count_1h,
        sell_count_1h=tf.sell_count_1h,
        volume_1h=tf.volume_1h,
        buy_volume_1h=tf.buy_volume_1h,
        sell_volume_1h=tf.sell_volume_1h,
        net_flow_1h=tf.net_flow_1h,
        vwap_1h=tf.vwap_1h,
        avg_trade_size_1h=tf.avg_trade_size_1h,
        max_trade_size_1h=tf.max_trade_size_1h,
        trade_count_5m=tf.trade_count_5m,
        volume_5m=tf.volume_5m,
        whale_count_1h=tf.whale_count_1h,
        whale_volume_1h=tf.whale_volume_1h,
        whale_net_flow_1h=tf.whale_net_flow_1h,
        time_since_whale=tf.time_since_whale,
        time_since_trade=tf.time_since_trade,
        # -- context
        hours_to_close=ctx.hours_to_close,
        day_of_week=ctx.day_of_week,
        hour_of_day=ctx.hour_of_day,
        is_weekend=ctx.is_weekend,
        tracking_age_hours=ctx.tracking_age_hours,
        mid_price=ctx.mid_price,
        microprice=ctx.microprice,
        relative_spread=ctx.relative_spread,
        log_odds=ctx.log_odds,
        distance_from_half=ctx.distance_from_half,
        price_vs_initial=ctx.price_vs_initial,
        volume_to_liquidity=ctx.volume_to_liquidity,
        volatility_1h=ctx.volatility_1h,
        momentum_1h_vs_1d=ctx.momentum_1h_vs_1d,
        complement_gap=ctx.complement_gap,
    )


class _BookColumns(NamedTuple):
    """The 15 book columns of a row; all ``None`` without a book."""

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


_NO_BOOK = _BookColumns()


def _book_columns(bf: BookFeatures | None) -> _BookColumns:
    if bf is None:
        return _NO_BOOK
    return _BookColumns(
        bf.bid_depth(5),
        bf.bid_depth(10),
        bf.bid_depth(20),
        bf.bid_depth(50),
        bf.ask_depth(5),
        bf.ask_depth(10),
        bf.ask_depth(20),
        bf.ask_depth(50),
        bf.bid_levels,
        bf.ask_levels,
        bf.book_imbalance,
        bf.bid_wall_price,
        bf.bid_wall_size,
        bf.ask_wall_price,
        bf.ask_wall_size,
    )
