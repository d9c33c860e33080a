"""``/api/markets``: markets page by page; one market's history, trades and tiers (read-only)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from polymarket_ml.api.deps import ERRORS, ErrorBody, Monitoring
from polymarket_ml.monitoring import markets
from polymarket_ml.monitoring.market_reports import (
    MarketDetail,
    MarketPage,
    MarketSnapshots,
    MarketTierHistory,
    MarketTrades,
)
from polymarket_ml.storage.market_views import MarketSort

router = APIRouter(prefix="/api/markets", tags=["markets"])

MarketId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The market's id in our database")]
Hours = Annotated[float, Query(gt=0, le=24 * 30, description="Window, hours back from now")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such market"},
    **ERRORS,
}


@router.get("", response_model=MarketPage, responses=ERRORS)
def get_markets(
    ctx: Monitoring,
    tier: Annotated[int | None, Query(ge=0, le=4, description="Only this tier")] = None,
    active: Annotated[bool | None, Query(description="Only tracked (or untracked) ones")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="In the question, slug or condition id")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    sort: MarketSort = "id",
    order: Literal["asc", "desc"] = "asc",
) -> MarketPage:
    """Markets matching the filters, one page, each with its latest price, spread and volume."""
    return markets.markets_page(
        ctx.engine,
        ctx.clock.now(),
        tier=tier,
        active=active,
        search=q,
        page=page,
        page_size=page_size,
        sort=sort,
        order=order,
    )


@router.get("/{market_id}", response_model=MarketDetail, responses=NOT_FOUND)
def get_market(ctx: Monitoring, market_id: MarketId) -> MarketDetail:
    """One market, with its latest snapshot."""
    return markets.market_detail(ctx.engine, market_id, ctx.clock.now())


@router.get("/{market_id}/snapshots", response_model=MarketSnapshots, responses=NOT_FOUND)
def get_market_snapshots(
    ctx: Monitoring,
    market_id: MarketId,
    hours: Hours = 24,
    max_points: Annotated[int, Query(ge=2, le=5000, description="Thinned evenly beyond")] = 1000,
) -> MarketSnapshots:
    """Price, spread, depth and activity of a market over the window, oldest first."""
    return markets.market_snapshots(
        ctx.engine, market_id, ctx.clock.now(), hours=hours, max_points=max_points
    )


@router.get("/{market_id}/trades", response_model=MarketTrades, responses=NOT_FOUND)
def get_market_trades(
    ctx: Monitoring,
    market_id: MarketId,
    hours: Hours = 24,
    limit: Annotated[int, Query(ge=1, le=1000, description="Newest trades listed")] = 200,
) -> MarketTrades:
    """A market's trades over the window: their count and notional, and the newest ones."""
    return markets.market_trades(ctx.engine, market_id, ctx.clock.now(), hours=hours, limit=limit)


@router.get("/{market_id}/tier-transitions", response_model=MarketTierHistory, responses=NOT_FOUND)
def get_market_tier_transitions(ctx: Monitoring, market_id: MarketId) -> MarketTierHistory:
    """Every tier change of a market since its discovery, oldest first."""
    return markets.market_tier_history(ctx.engine, market_id)
