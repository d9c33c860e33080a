"""Discovery and tier updates: which markets are tracked, and how closely.

``discover`` finds open markets on Gamma (enough 24h volume, ending within the look-ahead),
stores new ones with their tier and a ``discovered`` transition, refreshes known ones, and checks
every tracked market that discovery no longer lists: resolved (with its outcome), expired,
delisted, or closed and waiting for its outcome (checked again next pass). A market no longer
tracked without an outcome, where an executor still holds a position, is checked on every pass
until its outcome is known, and the outcome stored (the executor settles the position on its
next scan). ``update_tiers`` moves
active markets between tiers as their end dates approach. Both record every change in
``tier_transitions``. Performs network and database I/O.
"""

from __future__ import annotations

import asyncio
import math
from datetime import datetime
from decimal import Decimal

from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.tasklog import TaskOutcome
from polymarket_ml.collection.tiers import (
    DISCOVERED,
    TIME,
    Verdict,
    assign_tier,
    hours_to_close,
    judge_market,
)
from polymarket_ml.core.enums import Resolution, Tier
from polymarket_ml.core.types import Market, TierTransition
from polymarket_ml.sources.polymarket.market_data import MarketView
from polymarket_ml.storage.repositories import (
    MarketRepository,
    TierTransitionRepository,
    TradeActivity,
)


async def discover(ctx: CollectionContext) -> TaskOutcome:
    now = ctx.clock.now()
    views = await ctx.market_data.discover(
        min_volume_24h=ctx.settings.ml_volume_threshold,
        end_after=now,
        end_before=now + ctx.lookahead,
    )
    listed = {v.market.condition_id: v.market for v in views}
    inserted = await asyncio.to_thread(_store_discovered, ctx, views, now)
    tracked, held, activity = await asyncio.to_thread(_tracked_markets, ctx)
    missing = [m for m in tracked if m.condition_id not in listed]
    current = listed
    if missing or held:
        fetched = await ctx.market_data.markets([m.condition_id for m in missing + held])
        current = listed | {cid: v.market for cid, v in fetched.items()}
    late = [(m, found.resolution) for m in held if (found := current.get(m.condition_id))]
    verdicts: list[tuple[Market, Verdict]] = []
    for market in tracked:
        assert market.id is not None
        last_trade_at, followed_since = activity.get(market.id, (None, None))
        verdict = judge_market(
            market,
            current.get(market.condition_id),
            now=now,
            rules=ctx.rules,
            last_trade_at=last_trade_at,
            followed_since=followed_since,
        )
        if verdict != Verdict():
            verdicts.append((market, verdict))
    changed = await asyncio.to_thread(_apply_verdicts, ctx, verdicts, now)
    changed += await asyncio.to_thread(_record_late_outcomes, ctx, late, now)
    return TaskOutcome(
        markets_processed=len(views) + len(missing) + len(held), rows_inserted=inserted + changed
    )


def _tracked_markets(
    ctx: CollectionContext,
) -> tuple[list[Market], list[Market], dict[int, TradeActivity]]:
    """Active markets, untracked ones still held and awaiting their outcome, trade activity."""
    with ctx.sessions() as s:
        markets = MarketRepository(s)
        return (
            markets.list_active(),
            markets.held_awaiting_outcome(),
            markets.trade_activity(ctx.followed_tiers),
        )


def _record_late_outcomes(
    ctx: CollectionContext, found: list[tuple[Market, Resolution | None]], now: datetime
) -> int:
    """Store the outcome of untracked markets that have one now; the others wait on."""
    resolved = [(m, r) for m, r in found if r is not None]
    if not resolved:
        return 0
    with ctx.sessions.begin() as s:
        markets = MarketRepository(s)
        for market, resolution in resolved:
            assert market.id is not None
            markets.record_resolution(market.id, resolution, resolved_at=now, now=now)
    return len(resolved)


def _store_discovered(ctx: CollectionContext, views: list[MarketView], now: datetime) -> int:
    bounds = ctx.settings.tier_boundaries_hours
    inserted = 0
    with ctx.sessions.begin() as s:
        markets = MarketRepository(s)
        transitions = TierTransitionRepository(s)
        known_by_cid = {v.market.condition_id: markets.get(v.market.condition_id) for v in views}
        for view in sorted(views, key=lambda v: _lock_order(known_by_cid[v.market.condition_id])):
            known = known_by_cid[view.market.condition_id]
            if known is not None:
                if known.active:
                    markets.upsert(view.market, now=now)
                continue
            hours = hours_to_close(view.market.end_date, now)
            tier = assign_tier(hours, bounds)
            stored = markets.upsert(_new_market(view, tier, now), now=now)
            assert stored.id is not None
            transitions.add(
                TierTransition(stored.id, None, tier, now, hours, DISCOVERED, stored.condition_id),
                market_slug=stored.slug,
            )
            inserted += 1
    return inserted


def _lock_order(known: Market | None) -> float:
    """Known markets are updated in id order, as every task writing many market rows does, so
    that concurrent tasks (distributed workers) never deadlock on row locks; new ones last."""
    return math.inf if known is None or known.id is None else known.id


def _new_market(view: MarketView, tier: Tier, now: datetime) -> Market:
    s = view.stats
    m = view.market
    return Market(
        **{name: getattr(m, name) for name in Market.__dataclass_fields__ if name != "id"}
        | {
            "tier": tier,
            "tracking_started_at": now,
            "initial_price": _dec(s.price),
            "initial_volume": _dec(s.volume_24h),
            "initial_liquidity": _dec(s.liquidity),
            "active": True,
        }
    )


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _apply_verdicts(
    ctx: CollectionContext, verdicts: list[tuple[Market, Verdict]], now: datetime
) -> int:
    changed = 0
    with ctx.sessions.begin() as s:
        markets = MarketRepository(s)
        transitions = TierTransitionRepository(s)
        for market, verdict in verdicts:
            assert market.id is not None
            if verdict.resolution is not None:
                markets.record_resolution(market.id, verdict.resolution, resolved_at=now, now=now)
            if verdict.pending_resolution:
                markets.mark_closed(market.id, now=now)
            if verdict.deactivate is None:
                continue
            markets.deactivate(market.id, verdict.deactivate, now=now)
            transitions.add(
                TierTransition(
                    market.id,
                    market.tier,
                    None,
                    now,
                    hours_to_close(market.end_date, now),
                    verdict.deactivate.value,
                    market.condition_id,
                ),
                market_slug=market.slug,
            )
            changed += 1
    return changed


async def update_tiers(ctx: CollectionContext) -> TaskOutcome:
    """Move every active market to the tier its hours to close call for."""
    return await asyncio.to_thread(_update_tiers, ctx, ctx.clock.now())


def _update_tiers(ctx: CollectionContext, now: datetime) -> TaskOutcome:
    bounds = ctx.settings.tier_boundaries_hours
    moved = 0
    with ctx.sessions.begin() as s:
        markets = MarketRepository(s)
        transitions = TierTransitionRepository(s)
        active = markets.list_active()
        for market in active:
            assert market.id is not None
            hours = hours_to_close(market.end_date, now)
            tier = assign_tier(hours, bounds)
            if tier == market.tier:
                continue
            markets.set_tier(market.id, tier, now=now)
            transitions.add(
                TierTransition(market.id, market.tier, tier, now, hours, TIME, market.condition_id),
                market_slug=market.slug,
            )
            moved += 1
    return TaskOutcome(markets_processed=len(active), rows_inserted=moved)
