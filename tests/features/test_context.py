"""Context features: time, top of book, price shape, ratios, complement gap."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from polymarket_ml.features.book import TopOfBook
from polymarket_ml.features.context import (
    ContextFeatures,
    compute_context_features,
    compute_log_odds,
)

WEDNESDAY_NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
YES_TOP = TopOfBook(best_bid=0.48, best_ask=0.52, bid_size=300.0, ask_size=100.0)
NO_TOP = TopOfBook(best_bid=0.47, best_ask=0.50, bid_size=10.0, ask_size=20.0)


def test_time_features_are_taken_in_utc_with_monday_zero() -> None:
    f = compute_context_features(WEDNESDAY_NOON)
    assert (f.day_of_week, f.hour_of_day, f.is_weekend) == (2, 12, False)
    saturday = compute_context_features(datetime(2026, 3, 7, 0, 0, tzinfo=UTC))
    assert (saturday.day_of_week, saturday.is_weekend) == (5, True)
    # Monday 01:00 at UTC+5 is Sunday 20:00 UTC
    plus5 = timezone(timedelta(hours=5))
    sunday = compute_context_features(datetime(2026, 3, 9, 1, 0, tzinfo=plus5))
    assert (sunday.day_of_week, sunday.hour_of_day, sunday.is_weekend) == (6, 20, True)


def test_hours_to_close_and_tracking_age_are_in_hours() -> None:
    f = compute_context_features(
        WEDNESDAY_NOON,
        end_date=WEDNESDAY_NOON + timedelta(hours=36, minutes=30),
        tracking_started_at=WEDNESDAY_NOON - timedelta(minutes=90),
    )
    assert (f.hours_to_close, f.tracking_age_hours) == (36.5, 1.5)
    past = compute_context_features(WEDNESDAY_NOON, end_date=WEDNESDAY_NOON - timedelta(hours=2))
    assert past.hours_to_close == -2.0


def test_mid_spread_and_microprice_come_from_the_book_when_there_is_one() -> None:
    # given a book 0.48 × 300 / 0.52 × 100, and Gamma figures that disagree
    f = compute_context_features(
        WEDNESDAY_NOON, gamma_best_bid=0.40, gamma_best_ask=0.46, book_top=YES_TOP
    )
    # then mid = (0.48 + 0.52) / 2, relative spread = 0.04 / 0.50,
    # microprice = (0.48 · 100 + 0.52 · 300) / 400 = 204 / 400
    assert f.mid_price == pytest.approx(0.50)
    assert f.relative_spread == pytest.approx(0.08)
    assert f.microprice == pytest.approx(0.51)


def test_mid_and_spread_come_from_gamma_without_a_book_and_microprice_is_null() -> None:
    f = compute_context_features(WEDNESDAY_NOON, gamma_best_bid=0.40, gamma_best_ask=0.46)
    assert f.mid_price == pytest.approx(0.43)
    assert f.relative_spread == pytest.approx(0.06 / 0.43)
    assert f.microprice is None


def test_a_one_sided_book_has_no_mid_spread_or_microprice() -> None:
    one_sided = TopOfBook(best_bid=0.48, bid_size=300.0)
    f = compute_context_features(
        WEDNESDAY_NOON, gamma_best_bid=0.40, gamma_best_ask=0.46, book_top=one_sided
    )
    assert (f.mid_price, f.relative_spread, f.microprice) == (None, None, None)


def test_log_odds_clips_the_price_to_a_thousandth_from_each_end() -> None:
    assert compute_log_odds(0.8) == pytest.approx(math.log(4))
    assert compute_log_odds(0.5) == 0.0
    assert compute_log_odds(0.0) == pytest.approx(math.log(0.001 / 0.999))
    assert compute_log_odds(1.0) == pytest.approx(math.log(999))
    assert compute_log_odds(0.9995) == compute_log_odds(0.999)


def test_price_shape_features() -> None:
    f = compute_context_features(WEDNESDAY_NOON, price=0.8, initial_price=0.65)
    assert f.log_odds == pytest.approx(math.log(4))
    assert f.distance_from_half == pytest.approx(0.3)
    assert f.price_vs_initial == pytest.approx(0.15)
    low = compute_context_features(WEDNESDAY_NOON, price=0.2)
    assert low.distance_from_half == pytest.approx(0.3)


def test_price_features_are_null_without_a_price_or_an_initial_price() -> None:
    f = compute_context_features(WEDNESDAY_NOON, initial_price=0.65)
    assert (f.log_odds, f.distance_from_half, f.price_vs_initial) == (None, None, None)
    g = compute_context_features(WEDNESDAY_NOON, price=0.8)
    assert g.price_vs_initial is None


def test_volume_to_liquidity_is_null_when_liquidity_is_zero_or_unknown() -> None:
    ratio = compute_context_features(WEDNESDAY_NOON, volume_24h=5000.0, liquidity=2000.0)
    assert ratio.volume_to_liquidity == 2.5
    zero = compute_context_features(WEDNESDAY_NOON, volume_24h=5000.0, liquidity=0.0)
    assert zero.volume_to_liquidity is None
    unknown = compute_context_features(WEDNESDAY_NOON, volume_24h=5000.0)
    assert unknown.volume_to_liquidity is None
    no_volume = compute_context_features(WEDNESDAY_NOON, liquidity=2000.0)
    assert no_volume.volume_to_liquidity is None


def test_momentum_compares_the_hourly_change_with_a_24th_of_the_daily_one() -> None:
    f = compute_context_features(WEDNESDAY_NOON, price_change_1h=0.05, price_change_1d=0.12)
    assert f.momentum_1h_vs_1d == pytest.approx(0.05 - 0.005)
    g = compute_context_features(WEDNESDAY_NOON, price_change_1h=0.05)
    assert g.momentum_1h_vs_1d is None


def test_complement_gap_needs_both_books_with_asks() -> None:
    both = compute_context_features(WEDNESDAY_NOON, book_top=YES_TOP, no_book_top=NO_TOP)
    assert both.complement_gap == pytest.approx(0.52 + 0.50 - 1)
    yes_only = compute_context_features(WEDNESDAY_NOON, book_top=YES_TOP)
    assert yes_only.complement_gap is None
    no_asks = TopOfBook(best_bid=0.47, bid_size=10.0)
    empty_no = compute_context_features(WEDNESDAY_NOON, book_top=YES_TOP, no_book_top=no_asks)
    assert empty_no.complement_gap is None


def test_volatility_is_passed_through_from_the_trade_stream() -> None:
    assert compute_context_features(WEDNESDAY_NOON, volatility_1h=0.2).volatility_1h == 0.2
    assert compute_context_features(WEDNESDAY_NOON).volatility_1h is None


def test_only_time_features_are_known_from_the_time_alone() -> None:
    f = compute_context_features(WEDNESDAY_NOON)
    assert f == ContextFeatures(day_of_week=2, hour_of_day=12, is_weekend=False)


def test_naive_times_are_refused() -> None:
    naive = datetime(2026, 3, 4, 12, 0)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValueError, match="now"):
        compute_context_features(naive)
    with pytest.raises(ValueError, match="end_date"):
        compute_context_features(WEDNESDAY_NOON, end_date=naive)
