"""Context features (every tier): time, price shape, top of book, activity ratios.

See ``FEATURES.md``, "Context". Each feature is ``None`` when an input it needs is unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from polymarket_ml.features.book import TopOfBook

LOG_ODDS_CLIP = 0.001  # p is clipped to [0.001, 0.999] before ln(p / (1 − p))
_SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class ContextFeatures:
    """The 15 context columns of a snapshot."""

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


def compute_context_features(
    now: datetime,
    *,
    end_date: datetime | None = None,
    tracking_started_at: datetime | None = None,
    initial_price: float | None = None,
    price: float | None = None,
    gamma_best_bid: float | None = None,
    gamma_best_ask: float | None = None,
    book_top: TopOfBook | None = None,
    no_book_top: TopOfBook | None = None,
    volume_24h: float | None = None,
    liquidity: float | None = None,
    price_change_1h: float | None = None,
    price_change_1d: float | None = None,
    volatility_1h: float | None = None,
) -> ContextFeatures:
    """The context features of one market at ``now`` (a timezone-aware datetime).

    ``book_top`` is the top of the YES book and ``no_book_top`` that of the NO book, ``None``
    where there is no book (T0, T1). With a YES book, ``mid_price`` and ``relative_spread`` come
    from it (``None`` if one of its sides is empty: the book says there is no mid, and Gamma's
    figures would be a guess); without one, from Gamma's best bid and ask. ``relative_spread`` is
    ``(best_ask − best_bid) / mid_price`` from that same source, so a T2+ row never divides a
    Gamma spread by a book mid. ``volatility_1h`` comes from the trade stream and is passed
    through (see :func:`~polymarket_ml.features.trades.compute_volatility`).
    """
    t = _utc(now, "now")
    weekday = t.weekday()  # Monday = 0
    if book_top is not None:
        bid, ask = book_top.best_bid, book_top.best_ask
    else:
        bid, ask = gamma_best_bid, gamma_best_ask
    mid = (bid + ask) / 2 if bid is not None and ask is not None else None
    return ContextFeatures(
        hours_to_close=(_hours(_utc(end_date, "end_date") - t) if end_date is not None else None),
        day_of_week=weekday,
        hour_of_day=t.hour,
        is_weekend=weekday >= 5,
        tracking_age_hours=(
            _hours(t - _utc(tracking_started_at, "tracking_started_at"))
            if tracking_started_at is not None
            else None
        ),
        mid_price=mid,
        microprice=compute_microprice(book_top) if book_top is not None else None,
        relative_spread=(
            (ask - bid) / mid if mid and ask is not None and bid is not None else None
        ),
        log_odds=compute_log_odds(price) if price is not None else None,
        distance_from_half=abs(price - 0.5) if price is not None else None,
        price_vs_initial=(
            price - initial_price if price is not None and initial_price is not None else None
        ),
        volume_to_liquidity=(
            volume_24h / liquidity if volume_24h is not None and liquidity else None
        ),
        volatility_1h=volatility_1h,
        momentum_1h_vs_1d=(
            price_change_1h - price_change_1d / 24
            if price_change_1h is not None and price_change_1d is not None
            else None
        ),
        complement_gap=compute_complement_gap(book_top, no_book_top),
    )


def compute_log_odds(price: float) -> float:
    """``ln(p / (1 − p))`` with ``p`` clipped to [0.001, 0.999]."""
    p = min(max(price, LOG_ODDS_CLIP), 1 - LOG_ODDS_CLIP)
    return math.log(p / (1 - p))


def compute_microprice(top: TopOfBook) -> float | None:
    """``(bid·ask_size + ask·bid_size) / (bid_size + ask_size)``; ``None`` with an empty side."""
    bid, ask, bid_size, ask_size = top.best_bid, top.best_ask, top.bid_size, top.ask_size
    if bid is None or ask is None or bid_size is None or ask_size is None:
        return None
    total = bid_size + ask_size
    return (bid * ask_size + ask * bid_size) / total if total > 0 else None


def compute_complement_gap(yes_top: TopOfBook | None, no_top: TopOfBook | None) -> float | None:
    """``best_ask(YES) + best_ask(NO) − 1``; ``None`` without both books or with no asks."""
    if yes_top is None or no_top is None or yes_top.best_ask is None or no_top.best_ask is None:
        return None
    return yes_top.best_ask + no_top.best_ask - 1


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / _SECONDS_PER_HOUR
