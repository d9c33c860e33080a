"""Tiered snapshots: one ``snapshots`` row per market of a tier, books too from T2.

For each active, open market of the tier: its Gamma figures (batched by condition id), from T2
its YES and NO books (batched ``POST /books``), the live trade metrics of its YES token when the
WebSocket follows it, and the clock's ``now`` go through the pure ``build_snapshot``. Rows are
bulk-written (idempotent per market and time). Performs network and database I/O.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.tasklog import TaskOutcome
from polymarket_ml.core.enums import Tier
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Book, Market, OrderbookSnapshot
from polymarket_ml.features.snapshot import BOOK_MIN_TIER, build_snapshot
from polymarket_ml.storage.bulk import write_orderbook_snapshots, write_snapshots
from polymarket_ml.storage.repositories import MarketRepository


async def take_snapshots(ctx: CollectionContext, tier: Tier) -> TaskOutcome:
    markets = await asyncio.to_thread(_markets_of_tier, ctx, tier)
    if not markets:
        return TaskOutcome()
    views = await ctx.market_data.markets([m.condition_id for m in markets])
    books: dict[str, Book] = {}
    if tier >= BOOK_MIN_TIER:
        tokens = [t for m in markets for t in (m.yes_token_id, m.no_token_id) if t]
        books = await ctx.market_data.books(tokens)
    now = ctx.clock.now()
    rows: list[FeatureSnapshot] = []
    full_books: list[OrderbookSnapshot] = []
    for market in markets:
        view = views.get(market.condition_id)
        if view is None or market.id is None:
            continue  # gone from Gamma: discovery will deactivate it
        yes = books.get(market.yes_token_id or "")
        no = books.get(market.no_token_id or "")
        trades = ctx.metrics.features(market.yes_token_id, now) if market.yes_token_id else None
        rows.append(
            build_snapshot(
                market_id=market.id,
                now=now,
                tier=tier,
                market=market,
                gamma=view.stats,
                book=yes,
                no_book=no,
                trades=trades,
            )
        )
        full_books.extend(_stored_books(market.id, tier, now, yes, no))
    written = await asyncio.to_thread(_write, ctx, rows, full_books, now)
    return TaskOutcome(markets_processed=len(rows), rows_inserted=written)


def _markets_of_tier(ctx: CollectionContext, tier: Tier) -> list[Market]:
    with ctx.sessions() as s:
        return [m for m in MarketRepository(s).list_active(tier) if not m.closed]


def _stored_books(
    market_id: int, tier: Tier, now: datetime, *books: Book | None
) -> list[OrderbookSnapshot]:
    return [
        OrderbookSnapshot(
            market_id=market_id,
            token_id=b.token_id,
            timestamp=now,
            bids=b.bids,
            asks=b.asks,
            exchange_ts=b.exchange_ts,
            tier=tier,
        )
        for b in books
        if b is not None
    ]


def _write(
    ctx: CollectionContext,
    rows: list[FeatureSnapshot],
    books: list[OrderbookSnapshot],
    now: datetime,
) -> int:
    written = write_snapshots(ctx.engine, rows) + write_orderbook_snapshots(ctx.engine, books)
    with ctx.sessions.begin() as s:
        MarketRepository(s).touch_snapshots([r.market_id for r in rows], now=now)
    return written
