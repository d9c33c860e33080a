"""Retention: old order-book snapshots are deleted (they are the bulk of the database)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.tasklog import TaskOutcome
from polymarket_ml.storage.retention import delete_orderbook_snapshots_before


async def apply_retention(ctx: CollectionContext) -> TaskOutcome:
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.orderbook_retention_days)
    deleted = await asyncio.to_thread(delete_orderbook_snapshots_before, ctx.engine, cutoff)
    return TaskOutcome(markets_processed=0, rows_inserted=0, rows_deleted=deleted)
