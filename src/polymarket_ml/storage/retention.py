"""Deleting old rows in bounded batches, so a large cleanup never holds a long lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, select

from polymarket_ml.storage.models import OrderbookSnapshotRow

BATCH_ROWS = 10_000


def delete_orderbook_snapshots_before(engine: Engine, cutoff: datetime) -> int:
    """Delete order-book snapshots taken before ``cutoff``; return how many were deleted."""
    total = 0
    while True:
        with engine.begin() as conn:
            ids = list(
                conn.scalars(
                    select(OrderbookSnapshotRow.id)
                    .where(OrderbookSnapshotRow.timestamp < cutoff)
                    .limit(BATCH_ROWS)
                )
            )
            if not ids:
                return total
            conn.execute(delete(OrderbookSnapshotRow).where(OrderbookSnapshotRow.id.in_(ids)))
            total += len(ids)
