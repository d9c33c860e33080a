"""The market views of the API and dashboard: markets page by page, and one market's price,
spread and depth over time, its trades and its tier history.

Exact amounts (prices and sizes of trades, tick sizes) are strings of their exact decimal value;
snapshot features are floats, as stored. Performs database I/O (blocking: call from a worker
thread).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine

from polymarket_ml.core.errors import NotFoundError
from polymarket_ml.monitoring.database import decimal_text
from polymarket_ml.monitoring.market_reports import (
    MarketDetail,
    MarketPage,
    MarketSnapshots,
    MarketSummary,
    MarketTierHistory,
    MarketTrade,
    MarketTrades,
    SnapshotPoint,
)
from polymarket_ml.monitoring.reports import TransitionItem
from polymarket_ml.storage import market_views as views

DEFAULT_MAX_POINTS = 1000

T = TypeVar("T")


def markets_page(
    engine: Engine,
    now: datetime,
    *,
    tier: int | None = None,
    active: bool | None = None,
    search: str | None = None,
    page: int = 1,
    page_size: int = 50,
    sort: views.MarketSort = "id",
    order: views.SortOrder = "asc",
) -> MarketPage:
    """One page of markets matching the filters, each with its latest price and spread."""
    total, records = views.list_markets(
        engine,
        tier=tier,
        active=active,
        search=search,
        page=page,
        page_size=page_size,
        sort=sort,
        order=order,
    )
    latest = views.latest_snapshots(engine, [m.id for m in records])
    return MarketPage(
        page=page,
        page_size=page_size,
        total=total,
        sort=sort,
        order=order,
        markets=[_summary(m, latest.get(m.id), now) for m in records],
    )


def market_detail(engine: Engine, market_id: int, now: datetime) -> MarketDetail:
    """A market with its latest snapshot (NotFoundError if there is no such market)."""
    m = _market(engine, market_id)
    snap = views.latest_snapshots(engine, [market_id]).get(market_id)
    return MarketDetail(
        **_summary(m, snap, now).model_dump(),
        yes_token_id=m.yes_token_id,
        no_token_id=m.no_token_id,
        neg_risk=m.neg_risk,
        tick_size=None if m.tick_size is None else decimal_text(m.tick_size),
        initial_price=None if m.initial_price is None else decimal_text(m.initial_price),
        tracking_started_at=m.tracking_started_at,
        deactivated_at=m.deactivated_at,
        deactivation_reason=m.deactivation_reason,
        latest=None if snap is None else _point(snap),
    )


def market_snapshots(
    engine: Engine,
    market_id: int,
    now: datetime,
    *,
    hours: float,
    max_points: int = DEFAULT_MAX_POINTS,
) -> MarketSnapshots:
    """A market's snapshots of the last ``hours``, oldest first, thinned evenly to at most
    ``max_points`` (the newest always kept)."""
    _market(engine, market_id)
    since = now - timedelta(hours=hours)
    series = views.snapshot_series(engine, market_id, since)
    return MarketSnapshots(
        market_id=market_id,
        hours=hours,
        since=since,
        total=len(series),
        points=[_point(s) for s in thin(series, max_points)],
    )


def market_trades(
    engine: Engine, market_id: int, now: datetime, *, hours: float, limit: int
) -> MarketTrades:
    """A market's trades of the last ``hours``: count and notional, and the newest ``limit``."""
    _market(engine, market_id)
    since = now - timedelta(hours=hours)
    totals, trades = views.recent_trades(engine, market_id, since, limit)
    return MarketTrades(
        market_id=market_id,
        hours=hours,
        since=since,
        count=totals.count,
        notional_usd=decimal_text(totals.notional_usd),
        trades=[
            MarketTrade(
                timestamp=t.timestamp,
                received_at=t.received_at,
                token_id=t.token_id,
                outcome=t.outcome,
                side=t.side,
                price=decimal_text(t.price),
                size=decimal_text(t.size),
                notional_usd=decimal_text(t.notional_usd),
                whale_tier=t.whale_tier,
            )
            for t in trades
        ],
    )


def market_tier_history(engine: Engine, market_id: int) -> MarketTierHistory:
    """Every tier change of a market, oldest first."""
    m = _market(engine, market_id)
    return MarketTierHistory(
        market_id=market_id,
        current_tier=m.tier,
        active=m.active,
        transitions=[
            TransitionItem(
                market_id=t.market_id,
                condition_id=t.condition_id,
                market_slug=t.market_slug,
                from_tier=t.from_tier,
                to_tier=t.to_tier,
                transitioned_at=t.transitioned_at,
                hours_to_close=t.hours_to_close,
                reason=t.reason,
            )
            for t in views.market_tier_transitions(engine, market_id)
        ],
    )


def thin(items: list[T], max_items: int) -> list[T]:
    """At most ``max_items`` of ``items``, evenly spaced, the first and the last kept."""
    n = len(items)
    if n <= max_items:
        return items
    if max_items <= 1:
        return items[-1:]
    step = (n - 1) / (max_items - 1)
    return [items[round(i * step)] for i in range(max_items)]


def _market(engine: Engine, market_id: int) -> views.MarketRecord:
    market = views.get_market(engine, market_id)
    if market is None:
        raise NotFoundError(f"no market with id {market_id}")
    return market


def _summary(
    m: views.MarketRecord, snap: views.SnapshotValues | None, now: datetime
) -> MarketSummary:
    values = snap.values if snap is not None else {}
    return MarketSummary(
        id=m.id,
        condition_id=m.condition_id,
        slug=m.slug,
        question=m.question,
        event_title=m.event_title,
        category=m.category,
        tier=m.tier,
        active=m.active,
        closed=m.closed,
        resolved=m.resolved,
        outcome=m.outcome,
        end_date=m.end_date,
        hours_to_close=None
        if m.end_date is None
        else round((m.end_date - now).total_seconds() / 3600, 3),
        last_snapshot_at=m.last_snapshot_at,
        snapshot_count=m.snapshot_count,
        last_trade_at=m.last_trade_at,
        price=values.get("price"),
        spread=values.get("spread"),
        volume_24h=values.get("volume_24h"),
    )


def _point(s: views.SnapshotValues) -> SnapshotPoint:
    return SnapshotPoint(timestamp=s.timestamp, tier=s.tier, **s.values)
