"""build_snapshot: which groups are filled in which tier, and the row's metadata."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Tier
from polymarket_ml.core.gamma import GammaMarketStats
from polymarket_ml.core.snapshot import FEATURE_NAMES, FEATURES, FeatureGroup, FeatureSnapshot
from polymarket_ml.core.types import Book, Level, Market
from polymarket_ml.features.snapshot import build_snapshot
from polymarket_ml.features.trade_window import TradeWindow
from polymarket_ml.features.trades import TradeFeatures
from tests.features.support import SCENARIO, T

MARKET = Market(
    condition_id="0xc",
    question="Will it rain?",
    end_date=T + timedelta(hours=30),
    initial_price=Decimal("0.6"),
    tracking_started_at=T - timedelta(hours=2),
)
GAMMA = GammaMarketStats(
    condition_id="0xc",
    price=0.5,
    best_bid=0.49,
    best_ask=0.51,
    spread=0.02,
    last_trade_price=0.5,
    price_change_1h=0.01,
    price_change_1d=-0.024,
    price_change_1w=0.1,
    price_change_1m=-0.2,
    volume_total=100_000.0,
    volume_24h=3000.0,
    volume_1w=20_000.0,
    volume_1m=80_000.0,
    liquidity=1500.0,
    category="Weather",
    neg_risk=False,
    competitive=0.9,
    tick_size=0.01,
    updated_at=T - timedelta(seconds=30),
)
BOOK_TS = T - timedelta(seconds=2)
YES_BOOK = Book(
    "yes",
    bids=(Level(Decimal("0.48"), Decimal(300)), Level(Decimal("0.47"), Decimal(100))),
    asks=(Level(Decimal("0.52"), Decimal(100)),),
    exchange_ts=BOOK_TS,
)
NO_BOOK = Book("no", bids=(), asks=(Level(Decimal("0.50"), Decimal(20)),))


def scenario_trades() -> TradeFeatures:
    window = TradeWindow()
    for t in SCENARIO:
        window.add(t)
    return window.features(T)


def group_values(row: FeatureSnapshot, group: FeatureGroup) -> list[object]:
    return [getattr(row, spec.name) for spec in FEATURES if spec.group is group]


def test_a_followed_t3_market_with_both_books_has_every_feature() -> None:
    # when
    row = build_snapshot(
        market_id=7,
        now=T,
        tier=Tier.T3,
        market=MARKET,
        gamma=GAMMA,
        book=YES_BOOK,
        no_book=NO_BOOK,
        trades=scenario_trades(),
    )
    # then all 65 features are known
    assert [n for n in FEATURE_NAMES if getattr(row, n) is None] == []
    assert (row.market_id, row.timestamp, row.tier) == (7, T, Tier.T3)
    # book: 300 + 100 bid, 100 ask: imbalance (400 − 100) / 500
    assert (row.bid_depth_5, row.ask_depth_50, row.bid_levels) == (400.0, 100.0, 2)
    assert row.book_imbalance == pytest.approx(0.6)
    assert (row.bid_wall_price, row.bid_wall_size) == (0.48, 300.0)
    # trades: the scenario's hand-computed figures
    assert (row.trade_count_1h, row.whale_count_1h, row.time_since_whale) == (5, 2, 60.0)
    # context: mid and microprice from the book, not Gamma; the rest from Gamma and the market
    assert row.mid_price == pytest.approx(0.50)
    assert row.microprice == pytest.approx((0.48 * 100 + 0.52 * 300) / 400)
    assert row.complement_gap == pytest.approx(0.02)
    assert (row.hours_to_close, row.tracking_age_hours) == (30.0, 2.0)
    assert row.price_vs_initial == pytest.approx(-0.1)
    assert row.volume_to_liquidity == 2.0
    assert row.momentum_1h_vs_1d == pytest.approx(0.01 + 0.001)
    assert row.volatility_1h == scenario_trades().volatility_1h


def test_gamma_fields_and_exchange_times_are_carried_over() -> None:
    row = build_snapshot(
        market_id=7, now=T, tier=Tier.T2, market=MARKET, gamma=GAMMA, book=YES_BOOK
    )
    for field in dataclasses.fields(GammaMarketStats):
        if field.name in FEATURE_NAMES:
            assert getattr(row, field.name) == getattr(GAMMA, field.name), field.name
    assert (row.gamma_updated_at, row.book_exchange_ts) == (GAMMA.updated_at, BOOK_TS)
    assert row.last_trade_exchange_ts is None


def test_books_are_ignored_below_t2() -> None:
    # given a T1 market for which a book happens to be at hand
    row = build_snapshot(
        market_id=7,
        now=T,
        tier=Tier.T1,
        market=MARKET,
        gamma=GAMMA,
        book=YES_BOOK,
        no_book=NO_BOOK,
    )
    # then the book group, microprice and complement gap are NULL, and mid comes from Gamma
    assert set(group_values(row, FeatureGroup.BOOK)) == {None}
    assert (row.microprice, row.complement_gap, row.book_exchange_ts) == (None, None, None)
    assert row.mid_price == pytest.approx(0.50)
    assert row.relative_spread == pytest.approx(0.02 / 0.50)


def test_a_token_not_followed_has_null_trade_features_and_volatility() -> None:
    row = build_snapshot(
        market_id=7, now=T, tier=Tier.T2, market=MARKET, gamma=GAMMA, book=YES_BOOK
    )
    assert set(group_values(row, FeatureGroup.TRADES)) == {None}
    assert row.volatility_1h is None
    assert row.bid_levels == 2


def test_a_followed_token_without_trades_has_zero_counts_not_nulls() -> None:
    row = build_snapshot(
        market_id=7,
        now=T,
        tier=Tier.T2,
        market=MARKET,
        gamma=GAMMA,
        trades=TradeWindow().features(T),
    )
    assert (row.trade_count_1h, row.volume_1h, row.trade_count_5m, row.whale_count_1h) == (
        0,
        0.0,
        0,
        0,
    )
    assert (row.vwap_1h, row.time_since_trade, row.volatility_1h) == (None, None, None)


def test_a_t0_market_with_unknown_gamma_figures_has_only_time_context() -> None:
    # given nothing but the time and a bare market
    row = build_snapshot(
        market_id=1,
        now=datetime(2026, 3, 8, 9, 0, tzinfo=UTC),
        tier=Tier.T0,
        market=Market(condition_id="0xd", question="?"),
        gamma=GammaMarketStats(condition_id="0xd"),
    )
    # then only the time features are known
    known = {n for n in FEATURE_NAMES if getattr(row, n) is not None}
    assert known == {"day_of_week", "hour_of_day", "is_weekend"}
    assert (row.day_of_week, row.hour_of_day, row.is_weekend) == (6, 9, True)
